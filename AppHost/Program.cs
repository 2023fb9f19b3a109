using Platform.AppHost;
using Platform.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args)
    .WithDashboardYielding();

// PostgreSQL, RabbitMQ and Redis from Debian's packages, run on 127.0.0.1 with their data in .state/ (git-ignored);
// or your own servers: ConnectionStrings__postgres (a superuser; the databases are created), __rabbitmq, __redis.
var state = builder.Configuration["Platform:StateDirectory"] ?? Path.Combine(builder.AppHostDirectory, "..", ".state");
var postgres = builder.AddPostgresServer("postgres", state, port: 55432);
var gatewayDb = postgres.AddDatabase("gatewaydb", "gateway");
var intakeDb = postgres.AddDatabase("intakedb", "intake");
var casesDb = postgres.AddDatabase("casesdb", "cases");
var clinicsDb = postgres.AddDatabase("clinicsdb", "clinics");
var billingDb = postgres.AddDatabase("billingdb", "billing");
var repatriationDb = postgres.AddDatabase("repatriationdb", "repatriation");
var omsDb = postgres.AddDatabase("omsdb", "oms");
var rabbitmq = builder.AddRabbitMQServer("rabbitmq", state, port: 55672, distributionPort: 55679, epmdPort: 55369);
var redis = builder.AddRedisServer("redis", state, port: 56379);
// Where messages to contacts go: a mail catcher and an SMS stand-in that keep what they receive and show it (links on
// the dashboard); or your own: ConnectionStrings__mail (Endpoint=smtp://host:port;Username=;Password=), __sms.
var mail = builder.AddMailServer("mail", smtpPort: 55025, webPort: 55026);
var sms = builder.AddSmsProvider("sms", port: 55027);

// The key the gateway verifies staff tokens with (Parameters:jwt-signing-key; the development value is in appsettings.json).
var signingKey = builder.AddParameter("jwt-signing-key", secret: true);
// The secret the gateway signs the identity it stamps with, checked by every service: generated once, kept in the
// AppHost's user secrets (or Parameters:gateway-identity-secret).
var identitySecret = builder.AddParameter("gateway-identity-secret",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

var intake = builder.AddService<Projects.Intake>("intake", port: 5101, identitySecret)
    .WithReference(intakeDb).WaitFor(intakeDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis);

var cases = builder.AddService<Projects.Cases>("cases", port: 5102, identitySecret)
    .WithReference(casesDb).WaitFor(casesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    // Not waited for: Cases works without them, and messages wait (and are retried) until they answer.
    .WithReference(mail)
    .WithReference(sms)
    .WithEnvironment("Assistance__Name", "Medical assistance (development)")
    .WithEnvironment("Assistance__Phone", "+1 555 0100");

var clinics = builder.AddService<Projects.ClinicNetwork>("clinics", port: 5103, identitySecret)
    .WithReference(clinicsDb).WaitFor(clinicsDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    // Guarantee letters go to clinics by e-mail; not waited for, as with Cases.
    .WithReference(mail)
    // What the letters say about the assistance company, where their signed links point (the gateway below), the key
    // the links are signed with (generated once, kept like the identity secret) and the sender of their e-mails.
    .WithEnvironment("Guarantees__AssistanceName", "Medical assistance (development)")
    .WithEnvironment("Guarantees__AssistancePhone", "+1 555 0100")
    .WithEnvironment("Guarantees__PublicBaseUrl", "http://localhost:8080/api/clinics")
    .WithEnvironment("Guarantees__LinkSecret", builder.AddParameter("guarantee-link-secret",
        new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true))
    .WithEnvironment("Guarantees__MailFrom", "Medical assistance <assistance@medassist.example>");

var billing = builder.AddService<Projects.Billing>("billing", port: 5104, identitySecret)
    .WithReference(billingDb).WaitFor(billingDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    // The payer, as invoices, X12 files and forms name it.
    .WithEnvironment("Billing__PayerName", "Medical assistance (development)")
    .WithEnvironment("Billing__PayerIdentifier", "1987654321")
    .WithEnvironment("Billing__PayerAddress", "1 Example Street, Limassol, CY")
    .WithEnvironment("Billing__PayerEmail", "claims@medassist.example");

var repatriation = builder.AddService<Projects.Repatriation>("repatriation", port: 5105, identitySecret)
    .WithReference(repatriationDb).WaitFor(repatriationDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    // Booking requests go to transport providers by e-mail; not waited for, as with Cases.
    .WithReference(mail)
    // Who the assistance company is on a MEDIF and in a booking request, where a request's confirmation link points
    // (the gateway below), the key the links are signed with (generated once, kept like the identity secret) and the
    // sender of the requests.
    .WithEnvironment("Repatriation__AssistanceName", "Medical assistance (development)")
    .WithEnvironment("Repatriation__AssistancePhone", "+1 555 0100")
    .WithEnvironment("Repatriation__PublicBaseUrl", "http://localhost:8080/api/repatriation")
    .WithEnvironment("Repatriation__LinkSecret", builder.AddParameter("repatriation-link-secret",
        new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true))
    .WithEnvironment("Repatriation__MailFrom", "Medical assistance <assistance@medassist.example>");

// Nothing on the bus yet (no other service consumes its work): no RabbitMQ. Redis for the development clock.
var oms = builder.AddService<Projects.OmsRepresentatives>("oms", port: 5106, identitySecret)
    .WithReference(omsDb).WaitFor(omsDb)
    .WithReference(redis).WaitFor(redis)
    // Reminder SMS of the preventive-care campaigns go through the SMS provider (the stand-in here), which sends its
    // delivery receipts back through the gateway; not waited for: invitations wait (and are retried) until it answers.
    .WithReference(sms)
    .WithEnvironment("Oms__Sms__ReceiptUrl", "http://127.0.0.1:8080/api/oms/sms/receipts")
    // Reminders go out in the day only (09:00-21:00 in the SMO's region) in production; here at any hour, so that a
    // campaign can be tried whenever the platform runs.
    .WithEnvironment("Oms__Sms__WindowFrom", "00:00")
    .WithEnvironment("Oms__Sms__WindowUntil", "1.00:00:00");

var gateway = builder.AddService<Projects.Gateway>("gateway", port: 8080, identitySecret)
    .WithReference(gatewayDb).WaitFor(gatewayDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(intake).WaitFor(intake)
    .WithReference(cases).WaitFor(cases)
    .WithReference(clinics).WaitFor(clinics)
    .WithReference(billing).WaitFor(billing)
    .WithReference(repatriation).WaitFor(repatriation)
    .WithReference(oms).WaitFor(oms)
    .WithEnvironment("Auth__Jwt__SigningKey", signingKey)
    .WithUrlForEndpoint("http", url => url.DisplayText = "Gateway")
    .WithUrl("/docs", "API documents")
    .WithWelcome();

// The staff console: served through the gateway at /console, calling the platform only through it, with the person's
// own staff token. Without an identity provider (Auth__Oidc__*) it signs people in with development tokens.
var console = builder.AddWebProject<Projects.Console>("console", port: 5107)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Console__GatewayUrl", gateway.GetEndpoint("http"))
    .WithEnvironment("Console__DevSignIn", "true")
    .WithEnvironment("Auth__Jwt__SigningKey", signingKey)
    .WithUrlForEndpoint("http", url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly);
gateway.WithReference(console)
    .WithUrl("/console", "Console");

builder.Build().Run();

// Internal: the test projects that reference the AppHost also see the services' own (public) Program classes.
internal partial class Program;
