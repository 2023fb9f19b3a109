using Platform.Messaging;
using Platform.OmsRepresentatives;

if (args is [MessagingCommand.Name, .. var verb] && MessagingCommand.TryRejectUsage(verb, Console.Error)) return 2;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOmsServices();

var app = builder.Build();

// `dotnet OmsRepresentatives.dll messaging status|replay-parked|replay-errors`: parked outbox rows and error queues (MessagingCommand).
if (args is [MessagingCommand.Name, .. var command])
    return await MessagingCommand.RunAsync(app.Services, command, Console.Out, Console.Error);

app.MapDefaultEndpoints();
app.MapOmsApi();

await app.RunAsync();
return 0;

public partial class Program;
