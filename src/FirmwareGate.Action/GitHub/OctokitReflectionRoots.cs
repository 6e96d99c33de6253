using System.Diagnostics.CodeAnalysis;
using Octokit;

namespace FirmwareGate.Action.GitHub;

/// <summary>
/// Keeps what Octokit's reflection-based JSON (SimpleJson) needs in a native AOT build. Rooting the Octokit
/// assembly keeps its model classes, but generic instantiations exist for reflection only if something asks for
/// them: a <c>StringEnum&lt;TEnum&gt;</c> without its members makes the serialiser throw (no <c>value</c>) and the
/// deserialiser unable to build one; a list or dictionary without its constructor makes the deserialiser call a
/// null constructor. The lists are every such type a property in Octokit 14.0.0 has (a response pulls in more
/// models than the action reads: a check run's pull requests, a comment's user), plus the lists the calls return.
/// </summary>
internal static class OctokitReflectionRoots
{
    /// <summary>Does nothing at run time; calling it makes the AOT compiler keep the members.</summary>
    public static void Keep()
    {
        KeepStringEnums();
        KeepCollections();
    }

    private static void KeepStringEnums()
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

    private static void KeepCollections()
    {
        Keep<Dictionary<string, GistFile>>();
        Keep<Dictionary<string, GistFileUpdate>>();
        Keep<Dictionary<string, NewDependencySnapshotManifest>>();
        Keep<Dictionary<string, NewDependencySnapshotResolvedDependency>>();
        Keep<Dictionary<string, System.Uri>>();
        Keep<Dictionary<string, object>>();
        Keep<Dictionary<string, string>>();
        Keep<List<AdditionsAndDeletions>>();
        Keep<List<ApiErrorDetail>>();
        Keep<List<Artifact>>();
        Keep<List<Branch>>();
        Keep<List<CheckRun>>();
        Keep<List<CheckSuite>>();
        Keep<List<CheckSuitePreferenceAutoTrigger>>();
        Keep<List<CodeInQualifier>>();
        Keep<List<Codespace>>();
        Keep<List<Commit>>();
        Keep<List<CommitStatus>>();
        Keep<List<CopilotSeat>>();
        Keep<List<CustomPropertyValue>>();
        Keep<List<DependencyVulnerability>>();
        Keep<List<EmailAddress>>();
        Keep<List<EnvironmentApproval>>();
        Keep<List<GistFork>>();
        Keep<List<GistHistory>>();
        Keep<List<GitHubCommit>>();
        Keep<List<GitHubCommitFile>>();
        Keep<List<GitReference>>();
        Keep<List<GpgKey>>();
        Keep<List<InQualifier>>();
        Keep<List<Installation>>();
        Keep<List<IssueComment>>();
        Keep<List<IssueInQualifier>>();
        Keep<List<IssueIsQualifier>>();
        Keep<List<Label>>();
        Keep<List<Machine>>();
        Keep<List<MaintenanceModeActiveProcesses>>();
        Keep<List<MetaPublicKey>>();
        Keep<List<NewCheckRunAction>>();
        Keep<List<NewCheckRunAnnotation>>();
        Keep<List<NewCheckRunImage>>();
        Keep<List<NewTreeItem>>();
        Keep<List<Octokit.Models.Response.DeploymentEnvironment>>();
        Keep<List<OrganizationSecret>>();
        Keep<List<PullRequest>>();
        Keep<List<PunchCardPoint>>();
        Keep<List<PushWebhookCommit>>();
        Keep<List<ReleaseAsset>>();
        Keep<List<Repository>>();
        Keep<List<RepositoryCodeOwnersErrors.RepositoryCodeOwnersError>>();
        Keep<List<RepositoryContent>>();
        Keep<List<RepositorySecret>>();
        Keep<List<RepositoryTrafficClone>>();
        Keep<List<RepositoryTrafficView>>();
        Keep<List<RepositoryVariable>>();
        Keep<List<Runner>>();
        Keep<List<RunnerGroup>>();
        Keep<List<RunnerLabel>>();
        Keep<List<Team>>();
        Keep<List<TreeItem>>();
        Keep<List<User>>();
        Keep<List<UserInQualifier>>();
        Keep<List<WeeklyCommitActivity>>();
        Keep<List<WeeklyHash>>();
        Keep<List<Workflow>>();
        Keep<List<WorkflowJob>>();
        Keep<List<WorkflowJobStep>>();
        Keep<List<WorkflowReference>>();
        Keep<List<WorkflowRun>>();
        Keep<List<WorkflowRunTiming>>();
        Keep<List<int>>();
        Keep<List<long>>();
        Keep<List<object>>();
        Keep<List<string>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, GistFile>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, GistFileUpdate>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, NewDependencySnapshotManifest>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, NewDependencySnapshotResolvedDependency>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, System.Uri>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, object>>();
        Keep<System.Collections.ObjectModel.ReadOnlyDictionary<string, string>>();
    }

    private static void Keep<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>()
    {
    }
}
