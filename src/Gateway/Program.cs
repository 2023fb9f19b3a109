using Platform.Gateway;
using Platform.Gateway.Auth;

// `dotnet Gateway.dll mint-token ...` prints a staff token signed with the configured key (see MintTokenCommand).
if (args is [MintTokenCommand.Name, .. var options])
{
    return MintTokenCommand.Run(options, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGatewayApi();

app.Run();
return 0;

public partial class Program;
