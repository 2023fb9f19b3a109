namespace Platform.OmsRepresentatives.Sms;

public static class SmsApi
{
    public static IHostApplicationBuilder AddSms(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapSmsApi(this IEndpointRouteBuilder app) => app;
}
