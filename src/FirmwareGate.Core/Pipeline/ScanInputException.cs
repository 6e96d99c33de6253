namespace FirmwareGate.Core.Pipeline;

/// <summary>The image or output folder cannot be used (missing, unreadable, not empty). Exit code 2.</summary>
public sealed class ScanInputException(string message, Exception? inner = null) : Exception(message, inner);
