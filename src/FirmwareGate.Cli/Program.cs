using FirmwareGate.Cli;

return await FirmwareGateCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
