using Platform.Console;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConsole();

var app = builder.Build();

app.MapConsole();

await app.RunAsync();

public partial class Program;
