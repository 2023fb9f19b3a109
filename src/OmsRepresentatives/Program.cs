using Platform.OmsRepresentatives;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOmsServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOmsApi();

await app.RunAsync();

public partial class Program;
