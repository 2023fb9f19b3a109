using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.OmsRepresentatives.Profile;

/// <summary>
/// The SMO (the tenant) as people read it: the name and contact-centre phone its letters and SMS carry, and the time
/// zone of its region, in which the law's clock counts days and every date is written for the insured. Until its
/// supervisor sets it, <see cref="Default"/> (Moscow time, a neutral name) applies and <see cref="Configured"/> is false.
/// </summary>
public sealed record SmoProfile(string Name, string Phone, string TimeZone, string? Address, string? SmsSender, bool Configured)
{
    public static readonly SmoProfile Default = new("Страховая медицинская организация", "8 800 100-00-00", "Europe/Moscow", null, null, false);

    [JsonIgnore]
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The calendar date in the SMO's region at <paramref name="instant"/>.</summary>
    public DateOnly DateAt(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant the SMO's calendar day <paramref name="day"/> begins.</summary>
    public DateTimeOffset StartOf(DateOnly day) => StartOf(day, Zone);

    /// <summary>The instant calendar day <paramref name="day"/> begins in <paramref name="zone"/>, in UTC (as Npgsql writes timestamptz).</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone), TimeSpan.Zero);

    /// <summary><paramref name="instant"/> as the insured read it: local date and time in the SMO's region.</summary>
    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);
}

public sealed record SmoProfileRequest(string? Name, string? Phone, string? TimeZone, string? Address, string? SmsSender);

public static partial class SmoProfiles
{
    [GeneratedRegex(@"^[A-Za-z0-9 ._-]{2,11}$")]
    private static partial Regex SenderName();

    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/profile").WithTags("SMO profile");
        group.MapGet("/", ReadAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("The SMO's name, contact-centre phone and time zone, as its letters, SMS and reports use them (configured: false until set)");
        group.MapPut("/", PutAsync).RequireAccess(Access.OmsConfigure)
            .WithSummary("Sets the SMO's name, phone, IANA time zone (the law's clock counts days in it), address and SMS sender name");
        return app;
    }

    /// <summary>The tenant's profile, or the default one until it is set.</summary>
    public static async Task<SmoProfile> GetAsync(NpgsqlConnection connection, string tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT name, phone, time_zone, address, sms_sender FROM smo_profiles WHERE tenant_id = @tenant", connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new SmoProfile(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), true)
            : SmoProfile.Default;
    }

    public static async Task<SmoProfile> GetAsync(NpgsqlDataSource db, string tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await GetAsync(connection, tenantId, ct);
    }

    private static async Task<Ok<SmoProfile>> ReadAsync(RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct) =>
        TypedResults.Ok(await GetAsync(db, identity.TenantId, ct));

    private static async Task<Results<Ok<SmoProfile>, ValidationProblem>> PutAsync(
        SmoProfileRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("name", request.Name)) e.MaxLength("name", request.Name, 200);
        if (e.Required("phone", request.Phone)) e.MaxLength("phone", request.Phone, 50);
        // The reminder SMS sign with the name and phone: even the shortest one must fit two SMS.
        if (e.IsValid && Sms.ReminderTexts.Longest(request.Name!, request.Phone!) > Sms.ReminderTexts.MaxLength)
            e.Add("name", $"The name and phone are too long for the reminder SMS: the shortest one would exceed {Sms.ReminderTexts.MaxLength} characters (two SMS).");
        if (e.Required("timeZone", request.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone!.Trim(), out _))
            e.Add("timeZone", "The field must be an IANA time zone such as Europe/Moscow or Asia/Yekaterinburg.");
        e.MaxLength("address", request.Address, 500);
        if (request.SmsSender is { } sender && !SenderName().IsMatch(sender.Trim()))
            e.Add("smsSender", "An SMS sender name is 2 to 11 Latin letters, digits, spaces, dots, dashes or underscores.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO smo_profiles (tenant_id, name, phone, time_zone, address, sms_sender, updated_at)
            VALUES (@tenant, @name, @phone, @zone, @address, @sender, @now)
            ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, phone = excluded.phone, time_zone = excluded.time_zone,
                address = excluded.address, sms_sender = excluded.sms_sender, updated_at = excluded.updated_at
            """, connection);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("name", request.Name!.Trim());
        cmd.Parameters.AddWithValue("phone", request.Phone!.Trim());
        cmd.Parameters.AddWithValue("zone", TimeZoneInfo.FindSystemTimeZoneById(request.TimeZone!.Trim()).Id);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("address", request.Address?.Trim()));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("sender", request.SmsSender?.Trim()));
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok(await GetAsync(connection, identity.TenantId, ct));
    }
}
