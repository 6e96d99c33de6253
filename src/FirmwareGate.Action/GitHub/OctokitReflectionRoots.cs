using System.Diagnostics.CodeAnalysis;
using Octokit;

namespace FirmwareGate.Action.GitHub;

/// <summary>
/// Keeps what Octokit's reflection-based JSON needs in a native AOT build. Rooting the Octokit assembly keeps its
/// model classes, but a <c>StringEnum&lt;TEnum&gt;</c> over each enum is a separate value-type instantiation whose
/// properties and constructors exist only if something asks for them; without them the serialiser finds no
/// <c>value</c> and throws, and the deserialiser cannot build one. The list is every <c>StringEnum&lt;TEnum&gt;</c>
/// a property in Octokit 14.0.0 has: a response model pulls in others (a check run's pull requests, a comment's user).
/// </summary>
internal static class OctokitReflectionRoots
{
    /// <summary>Does nothing at run time; calling it makes the AOT compiler keep the members.</summary>
    public static void Keep()
    {
        Keep<StringEnum<AccountType>>();
        Keep<StringEnum<AuthorAssociation>>();
        Keep<StringEnum<ChangeType>>();
        Keep<StringEnum<CheckAnnotationLevel>>();
        Keep<StringEnum<CheckConclusion>>();
        Keep<StringEnum<CheckRunCompletedAtFilter>>();
        Keep<StringEnum<CheckRunStatusFilter>>();
        Keep<StringEnum<CheckStatus>>();
        Keep<StringEnum<CheckStatusFilter>>();
#pragma warning disable CS0618 // Obsolete, but NewCheckRunAnnotation still has a property of it.
        Keep<StringEnum<CheckWarningLevel>>();
#pragma warning restore CS0618
        Keep<StringEnum<CodespaceLocation>>();
        Keep<StringEnum<CodespaceState>>();
        Keep<StringEnum<CommitState>>();
        Keep<StringEnum<ContentType>>();
        Keep<StringEnum<CustomPropertyValueType>>();
        Keep<StringEnum<CustomPropertyValuesEditableBy>>();
        Keep<StringEnum<DependencySnapshotSubmissionResult>>();
        Keep<StringEnum<DeploymentState>>();
        Keep<StringEnum<EmailVisibility>>();
        Keep<StringEnum<EncodingType>>();
        Keep<StringEnum<EnvironmentApprovalState>>();
        Keep<StringEnum<EventInfoState>>();
        Keep<StringEnum<InstallationReadPermissionLevel>>();
        Keep<StringEnum<InstallationReadWriteAdminPermissionLevel>>();
        Keep<StringEnum<InstallationReadWritePermissionLevel>>();
        Keep<StringEnum<InstallationRepositorySelection>>();
        Keep<StringEnum<InstallationWritePermissionLevel>>();
        Keep<StringEnum<InvitationPermissionType>>();
        Keep<StringEnum<ItemState>>();
        Keep<StringEnum<ItemStateReason>>();
        Keep<StringEnum<LockReason>>();
        Keep<StringEnum<MaintenanceModeStatus>>();
        Keep<StringEnum<MembershipRole>>();
        Keep<StringEnum<MembershipState>>();
        Keep<StringEnum<MergeableState>>();
        Keep<StringEnum<Migration.MigrationState>>();
        Keep<StringEnum<OrganizationMembershipRole>>();
        Keep<StringEnum<PackageType>>();
        Keep<StringEnum<PackageVisibility>>();
        Keep<StringEnum<PagesBuildStatus>>();
        Keep<StringEnum<PendingDeploymentReviewState>>();
        Keep<StringEnum<PreReceiveEnvironmentDownloadState>>();
        Keep<StringEnum<PreReceiveHookEnforcement>>();
        Keep<StringEnum<PullRequestReviewState>>();
        Keep<StringEnum<ReactionType>>();
        Keep<StringEnum<RefType>>();
        Keep<StringEnum<Scope>>();
        Keep<StringEnum<System.DayOfWeek>>();
        Keep<StringEnum<TaggedType>>();
        Keep<StringEnum<TeamPrivacy>>();
        Keep<StringEnum<TeamRole>>();
        Keep<StringEnum<TreeType>>();
        Keep<StringEnum<VerificationReason>>();
        Keep<StringEnum<WorkflowJobConclusion>>();
        Keep<StringEnum<WorkflowJobStatus>>();
        Keep<StringEnum<WorkflowRunConclusion>>();
        Keep<StringEnum<WorkflowRunJobsFilter>>();
        Keep<StringEnum<WorkflowRunStatus>>();
        Keep<StringEnum<WorkflowState>>();
    }

    private static void Keep<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>()
    {
    }
}
