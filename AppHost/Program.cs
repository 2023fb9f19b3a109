using Platform.AppHost;

// dotnet AppHost.dll            run the platform (./platform up)
// dotnet AppHost.dll test ...   run it, then dotnet test over the solution (./platform test)
// dotnet AppHost.dll token ...  print a development staff token (./platform token --roles admin)
var builder = DistributedApplication.CreateBuilder(args);
var signingKey = builder.Configuration["Auth:Jwt:SigningKey"] is { Length: > 0 } key ? key : DevTokenCommand.DevelopmentSigningKey;

if (args is ["token", .. var tokenArgs])
{
    return DevTokenCommand.Run(tokenArgs, signingKey);
}

var postgres = builder.AddPostgres("postgres");
var gatewayDb = postgres.AddDatabase("gatewaydb", "gateway");
var intakeDb = postgres.AddDatabase("intakedb", "intake");
var casesDb = postgres.AddDatabase("casesdb", "cases");

// The `tests` virtual host keeps test hosts off the platform's own queues (see tests/TestSupport/TestEnvironment.cs).
var rabbit = builder.AddRabbitMQ("rabbitmq").WithVirtualHost("tests");
var redis = builder.AddRedis("redis");

var intake = builder.AddProject("intake", "src/Intake")
    .WithHttpEndpoint(5101)
    .WithReference(intakeDb).WithReference(rabbit).WithReference(redis)
    .WaitFor(intakeDb).WaitFor(rabbit).WaitFor(redis);

var cases = builder.AddProject("cases", "src/Cases")
    .WithHttpEndpoint(5102)
    .WithReference(casesDb).WithReference(rabbit).WithReference(redis)
    .WaitFor(casesDb).WaitFor(rabbit).WaitFor(redis);

var gateway = builder.AddProject("gateway", "src/Gateway")
    .WithHttpEndpoint(8080)
    .WithReference(gatewayDb).WithReference(redis)
    .WithReference(intake).WithReference(cases)
    .WithEnvironment("Auth__Jwt__SigningKey", signingKey)
    .WaitFor(gatewayDb).WaitFor(redis).WaitFor(intake).WaitFor(cases);

builder.OnReady(() => DevTokenCommand.PrintWelcome(gateway.HttpUrl, signingKey));

TraceCollector? collector = null;
if (builder.ExecutionContext.IsTestMode)
{
    // Unless told otherwise, the services send their traces to a collector that is up before them and writes the spans
    // where the end-to-end tests read them.
    var traces = Path.Combine(builder.ExecutionContext.RepoRoot, ".state", "test-traces.jsonl");
    collector = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is null ? new TraceCollector("http://127.0.0.1:4318/", traces) : null;
    builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ??= "http://127.0.0.1:4318";
    builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ??= "http/protobuf";
    builder.Configuration["OTEL_BSP_SCHEDULE_DELAY"] ??= "1000"; // export spans every second, not every five
    // End-to-end tests move the platform's clock forward through the gateway (PUT /admin/dev-clock).
    foreach (var service in new[] { intake, cases, gateway }) service.WithEnvironment("DevClock__Enabled", "true");
    // The end-to-end tests receive insurer webhooks on 127.0.0.1, which production refuses.
    cases.WithEnvironment("Webhooks__AllowPrivateNetworks", "true");

    builder.AddTestRun("Platform.sln")
        .WithEnvironment("TEST_POSTGRES", postgres.ConnectionString)
        .WithEnvironment("TEST_RABBITMQ", rabbit.VirtualHostUri("tests"))
        .WithEnvironment("TEST_PLATFORM_RABBITMQ", rabbit.ConnectionString)
        .WithEnvironment("TEST_RABBITMQCTL", rabbit.CtlPath)
        .WithEnvironment("TEST_REDIS", redis.ConnectionString + ",defaultDatabase=1")
        .WithEnvironment("TEST_GATEWAY_URL", gateway.HttpUrl)
        .WithEnvironment("TEST_JWT_SIGNING_KEY", signingKey)
        .WithEnvironment("TEST_TRACES_FILE", collector is null ? null : traces);
}

using (collector)
{
    return await builder.Build().RunAsync();
}
