using Platform.Billing.Authorizations;
using Platform.Billing.Covers;
using Platform.Billing.Decisions;
using Platform.Billing.Invoices;
using Platform.Billing.Payments;
using Platform.Billing.Rates;
using Platform.Billing.Statements;
using Platform.Messaging;

namespace Platform.Billing;

public static class BillingExtensions
{
    public static IHostApplicationBuilder AddBillingServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("billingdb", typeof(BillingExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddMessaging(bus =>
        {
            bus.AddPlatformConsumer<CaseCoverageChangedConsumer>();
            bus.AddPlatformConsumer<GuaranteeLetterIssuedConsumer>();
            bus.AddPlatformConsumer<GuaranteeLetterAmendedConsumer>();
            bus.AddPlatformConsumer<GuaranteeLetterRevokedConsumer>();
            bus.AddPlatformConsumer<ClinicPriceListChangedConsumer>();
        });
        builder.Services.AddSingleton<Adjudications>();
        builder.Services.AddSingleton<InvoiceIntake>();
        builder.Services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        app.MapInvoicesApi();
        app.MapX12InvoicesApi();
        app.MapClaimDocumentsApi();
        app.MapReimbursementsApi();
        app.MapRatesApi();
        app.MapPaymentsApi();
        app.MapRemittancesApi();
        app.MapCaseStatementApi();
        app.MapReleaseAuthorizationApi();
        return app;
    }
}
