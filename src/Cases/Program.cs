using Platform.Cases;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCasesServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCasesApi();

app.Run();

public partial class Program;
