namespace Platform.OmsRepresentatives.Staffing;

public static class StaffingApi
{
    public static IHostApplicationBuilder AddStaffing(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapStaffingApi(this IEndpointRouteBuilder app) => app;
}
