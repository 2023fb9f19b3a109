using Platform.OmsRepresentatives.Appeals;
using Platform.OmsRepresentatives.Campaigns;
using Platform.OmsRepresentatives.Profile;
using Platform.OmsRepresentatives.Register;
using Platform.OmsRepresentatives.Reports;
using Platform.OmsRepresentatives.Sms;
using Platform.OmsRepresentatives.Staffing;

namespace Platform.OmsRepresentatives;

public static class OmsExtensions
{
    public static IHostApplicationBuilder AddOmsServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres("omsdb", typeof(OmsExtensions).Assembly);
        builder.AddRedis("redis");
        builder.Services.AddGatewayIdentity();
        builder.AddRegister();
        builder.AddAppeals();
        builder.AddCampaigns();
        builder.AddSms();
        builder.AddReports();
        builder.AddStaffing();
        return builder;
    }

    public static IEndpointRouteBuilder MapOmsApi(this IEndpointRouteBuilder app)
    {
        app.MapProfileApi();
        app.MapRegisterApi();
        app.MapAppealsApi();
        app.MapCampaignsApi();
        app.MapSmsApi();
        app.MapReportsApi();
        app.MapStaffingApi();
        return app;
    }
}
