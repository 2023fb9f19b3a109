using Platform.Intake;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIntakeServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapIntakeApi();

app.Run();

public partial class Program;
