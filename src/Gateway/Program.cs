using Platform.Gateway;
using Platform.Gateway.Auth;

var builder = WebApplication.CreateBuilder(args);

// `dotnet Gateway.dll mint-token ...` prints a development staff token signed with the configured key.
if (args is [MintTokenCommand.Name, .. var options])
{
    return MintTokenCommand.Run(builder.Configuration, options, Console.Out, Console.Error);
}

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGatewayApi();

app.Run();
return 0;

public partial class Program;
