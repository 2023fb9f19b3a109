using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ClinicNetwork.Register;

namespace Platform.ClinicNetwork.Search;

public static class SearchApi
{
    public static RouteHandlerBuilder MapSearchApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/clinics/search", SearchAsync).WithTags("Clinics").RequireAccess(Access.ReadCases)
            .WithSummary("Finds the right clinics for a need near a point, or near a case's city")
            .WithDescription($"""
                From latitude and longitude, or for a case: caseNumber (the case's country and city, as Cases published them),
                or country and city given; then the centroid of the tenant's clinics in that city, and a 400 naming latitude and
                longitude when it has none there. Only active clinics within their contract period, within radiusKm (default {ClinicSearch.DefaultRadiusKm}, at
                most {ClinicSearch.MaxRadiusKm}); with urgency emergency or urgent, only those open now (in their own zone) or
                admitting 24/7; with directBilling=true, only those billing this tenant directly. Ranked by
                (distanceKm + 1) × (1.5 − qualityScore/100), lowest first, among the nearest qualifying clinics.
                """);

    private static async Task<Results<Ok<SearchResult>, ValidationProblem>> SearchAsync(
        double? latitude, double? longitude, string? country, string? city, string? caseNumber,
        [OneOf(typeof(Specialties), nameof(Specialties.Codes))] string? specialty,
        [OneOf(typeof(Urgencies), nameof(Urgencies.All))] string? urgency,
        string? language,
        [OneOf(typeof(CareKinds), nameof(CareKinds.All))] string? care,
        bool? directBilling, double? radiusKm, int? limit,
        RequestIdentity identity, ClinicSearch search, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (caseNumber is not null && latitude is null && longitude is null && country is null && city is null)
        {
            // The case's place as Cases published it; a case the service has not heard of is named as the problem.
            await using var cmd = dataSource.CreateCommand("SELECT country, city FROM case_covers WHERE tenant_id = @tenant AND case_number = @number");
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("number", caseNumber.Trim());
            await using var place = await cmd.ExecuteReaderAsync(ct);
            if (await place.ReadAsync(ct) && !place.IsDBNull(0) && !place.IsDBNull(1)) (country, city) = (place.GetString(0).Trim(), place.GetString(1));
            else return Problems.Validation("caseNumber",
                $"Case {caseNumber.Trim()} is not known here with a city (or Cases has not published it yet): give latitude and longitude, or country and city.");
        }
        var byPoint = latitude is not null || longitude is not null;
        if (byPoint)
        {
            if (e.Required("latitude", latitude) && ClinicRules.CheckLatitude(latitude!.Value) is { } latitudeError) e.Add("latitude", latitudeError);
            if (e.Required("longitude", longitude) && ClinicRules.CheckLongitude(longitude!.Value) is { } longitudeError) e.Add("longitude", longitudeError);
        }
        else if (country is null && city is null)
        {
            e.Add("latitude", "Give latitude and longitude, or country and city.");
            e.Add("longitude", "Give latitude and longitude, or country and city.");
        }
        if (!byPoint && (country is not null || city is not null))
        {
            if (e.Required("country", country) && ClinicRules.CheckCountry(ClinicRules.Upper(country!)) is { } countryError) e.Add("country", countryError);
            if (e.Required("city", city) && (city!.Length > ClinicRules.MaxText || PlainText.HasControlCharacters(city))) e.Add("city", PlainText.Rule);
        }
        e.OneOf("specialty", specialty, Specialties.Codes);
        e.OneOf("urgency", urgency, Urgencies.All);
        e.OneOf("care", care, CareKinds.All);
        if (language is not null && ClinicRules.CheckLanguage(ClinicRules.Lower(language)) is { } languageError) e.Add("language", languageError);
        if (radiusKm is { } r && !(r > 0 && r <= ClinicSearch.MaxRadiusKm))
            e.Add("radiusKm", $"The radius must be more than 0 and at most {ClinicSearch.MaxRadiusKm} km.");
        if (limit is < 1 or > ClinicSearch.MaxLimit) e.Add("limit", $"The limit must be 1 to {ClinicSearch.MaxLimit}.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());

        SearchOrigin origin;
        if (byPoint) origin = new SearchOrigin(latitude!.Value, longitude!.Value, "point");
        else if (await search.CityCentroidAsync(identity.TenantId, ClinicRules.Upper(country!), city!.Trim(), ct) is { } centroid) origin = centroid;
        else
        {
            var unknown = $"No clinic of your network is in {city!.Trim()}, {ClinicRules.Upper(country!)}: give latitude and longitude.";
            return Problems.Validation(new Dictionary<string, string[]> { ["latitude"] = [unknown], ["longitude"] = [unknown] });
        }

        var query = new SearchQuery(origin.Latitude, origin.Longitude, radiusKm ?? ClinicSearch.DefaultRadiusKm, limit ?? ClinicSearch.DefaultLimit,
            specialty, urgency, language is null ? null : ClinicRules.Lower(language), care, directBilling == true);
        return TypedResults.Ok(await search.SearchAsync(identity.TenantId, query, origin, ct));
    }
}
