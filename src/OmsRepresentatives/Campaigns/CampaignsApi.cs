namespace Platform.OmsRepresentatives.Campaigns;

public static class CampaignsApi
{
    public static IHostApplicationBuilder AddCampaigns(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app) => app;
}
