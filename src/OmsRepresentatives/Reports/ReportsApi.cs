namespace Platform.OmsRepresentatives.Reports;

public static class ReportsApi
{
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app) => app;
}
