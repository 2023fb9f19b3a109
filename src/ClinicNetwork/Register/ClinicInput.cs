namespace Platform.ClinicNetwork.Register;

/// <summary>Opening hours of one day, in the clinic's zone: <c>closes</c> at or before <c>opens</c> runs past midnight
/// into the next day (equal: 24 hours from <c>opens</c>).</summary>
public sealed record OpeningHours(int Day, string Opens, string Closes);

/// <summary>One version of a price: valid from <c>validFrom</c> to <c>validTo</c> (both inclusive; open-ended when null).</summary>
public sealed record ClinicPrice(string ServiceCode, decimal Price, string Currency, DateOnly ValidFrom, DateOnly? ValidTo);

/// <summary>A clinic of a register, checked: what is staged and merged.</summary>
public sealed record ClinicRow(
    string Code, string Name, string Country, string City, string Address, double Latitude, double Longitude, string TimeZone,
    string? Phone, string? Email, string[] Specialties, string[] Languages, bool Inpatient, bool Outpatient, bool Admits247,
    bool DirectBilling, string[] DirectBillingInsurers, DateOnly? ContractFrom, DateOnly? ContractTo, string Status,
    OpeningHours[] OpeningHours, ClinicPrice[] Prices);

/// <summary>
/// A clinic as a register (JSON or CSV) or <c>PUT /clinics/{code}</c> carries it. Everything is nullable so that a
/// missing field is reported against its path rather than failing the whole body. Defaults: <c>timeZone</c> the
/// country's (its capital's where it has several), <c>outpatient</c> true, the other flags false, <c>status</c> active.
/// </summary>
public sealed record ClinicInput(
    string? Code,
    string? Name,
    string? Country,
    string? City,
    string? Address,
    double? Latitude,
    double? Longitude,
    string? TimeZone,
    string? Phone,
    string? Email,
    [property: OneOf(typeof(Specialties), nameof(Specialties.Codes))] List<string?>? Specialties,
    List<string?>? Languages,
    bool? Inpatient,
    bool? Outpatient,
    bool? Admits247,
    bool? DirectBilling,
    List<string?>? DirectBillingInsurers,
    DateOnly? ContractFrom,
    DateOnly? ContractTo,
    [property: OneOf(typeof(ClinicStatuses), nameof(ClinicStatuses.All))] string? Status,
    List<OpeningHoursInput?>? OpeningHours,
    List<PriceInput?>? Prices)
{
    /// <summary>Checks every field, reporting through <paramref name="keys"/>; null when anything is wrong.</summary>
    internal ClinicRow? ToRow(FieldKeys keys)
    {
        var start = keys.Errors;
        string? Text(string field, string? value, bool required, Func<string, string?> rule)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required) keys.Add(field, "The field is required.");
                return null;
            }
            var text = value.Trim();
            if (rule(text) is { } error) { keys.Add(field, error); return null; }
            return text;
        }

        var code = Text("code", Code, true, ClinicRules.CheckCode);
        var name = Text("name", Name, true, v => ClinicRules.CheckText(v));
        var country = Text("country", Country is null ? null : ClinicRules.Upper(Country), true, ClinicRules.CheckCountry);
        var city = Text("city", City, true, v => ClinicRules.CheckText(v));
        var address = Text("address", Address, true, v => ClinicRules.CheckText(v, ClinicRules.MaxAddress));
        // NaN: a CSV value that was not a number, reported already.
        if (Latitude is null) keys.Add("latitude", "The field is required.");
        else if (!double.IsNaN(Latitude.Value) && ClinicRules.CheckLatitude(Latitude.Value) is { } latitudeError) keys.Add("latitude", latitudeError);
        if (Longitude is null) keys.Add("longitude", "The field is required.");
        else if (!double.IsNaN(Longitude.Value) && ClinicRules.CheckLongitude(Longitude.Value) is { } longitudeError) keys.Add("longitude", longitudeError);
        var zone = Text("timeZone", TimeZone, false, ClinicRules.CheckTimeZone);
        var phone = Text("phone", Phone, false, ClinicRules.CheckPhone);
        var email = Text("email", Email, false, ClinicRules.CheckEmail);

        var specialties = Codes(keys, "specialties", Specialties, ClinicRules.Lower, ClinicRules.CheckSpecialty);
        var languages = Codes(keys, "languages", Languages, ClinicRules.Lower, ClinicRules.CheckLanguage);
        var insurers = Codes(keys, "directBillingInsurers", DirectBillingInsurers, v => v.Trim(), ClinicRules.CheckInsurer);
        if (insurers.Length > 0 && DirectBilling == false)
            keys.Add("directBillingInsurers", "Insurers are listed for direct billing, but directBilling is false.");

        if (ClinicRules.CheckPeriod(ContractFrom, ContractTo) is { } periodError) keys.Add("contractTo", periodError);
        var status = Text("status", Status is null ? null : ClinicRules.Lower(Status), false, ClinicRules.CheckStatus) ?? ClinicStatuses.Active;

        var hours = new List<OpeningHours>();
        for (var i = 0; i < (OpeningHours?.Count ?? 0); i++)
        {
            if (OpeningHours![i] is not { } h) { keys.Add("openingHours", i, null, "The entry must not be null."); continue; }
            var ok = true;
            if (h.Day is null) { keys.Add("openingHours", i, "day", "The field is required."); ok = false; }
            else if (ClinicRules.CheckDay(h.Day.Value) is { } dayError) { keys.Add("openingHours", i, "day", dayError); ok = false; }
            if (!ClinicRules.TryClock(h.Opens, out var opens)) { keys.Add("openingHours", i, "opens", ClinicRules.ClockRule); ok = false; }
            if (!ClinicRules.TryClock(h.Closes, out var closes)) { keys.Add("openingHours", i, "closes", ClinicRules.ClockRule); ok = false; }
            if (ok) hours.Add(new OpeningHours(h.Day!.Value, opens.ToString("HH:mm"), closes.ToString("HH:mm")));
        }

        var prices = new List<ClinicPrice>();
        var versions = new Dictionary<(string, DateOnly), int>();
        for (var i = 0; i < (Prices?.Count ?? 0); i++)
        {
            if (Prices![i] is not { } p) { keys.Add("prices", i, null, "The entry must not be null."); continue; }
            var ok = true;
            string? service = null;
            if (string.IsNullOrWhiteSpace(p.ServiceCode)) { keys.Add("prices", i, "serviceCode", "The field is required."); ok = false; }
            else if (ClinicRules.CheckServiceCode(service = ClinicRules.Lower(p.ServiceCode)) is { } serviceError) { keys.Add("prices", i, "serviceCode", serviceError); ok = false; }
            if (p.Price is null) { keys.Add("prices", i, "price", "The field is required."); ok = false; }
            else if (ClinicRules.CheckPrice(p.Price.Value) is { } priceError) { keys.Add("prices", i, "price", priceError); ok = false; }
            string? currency = null;
            if (string.IsNullOrWhiteSpace(p.Currency)) { keys.Add("prices", i, "currency", "The field is required."); ok = false; }
            else if (ClinicRules.CheckCurrency(currency = ClinicRules.Upper(p.Currency)) is { } currencyError) { keys.Add("prices", i, "currency", currencyError); ok = false; }
            if (p.ValidFrom is null) { keys.Add("prices", i, "validFrom", "The field is required."); ok = false; }
            else if (ClinicRules.CheckPeriod(p.ValidFrom, p.ValidTo) is { } validError) { keys.Add("prices", i, "validTo", validError); ok = false; }
            if (!ok) continue;
            if (versions.TryGetValue((service!, p.ValidFrom!.Value), out var first))
            {
                keys.Add("prices", i, "validFrom", $"Entry {first + 1} already gives {service}'s price from {p.ValidFrom:yyyy-MM-dd}.");
                continue;
            }
            versions[(service!, p.ValidFrom!.Value)] = i;
            prices.Add(new ClinicPrice(service!, p.Price!.Value / 1.0000000000000000000000000000m, currency!, p.ValidFrom.Value, p.ValidTo));
        }

        if (keys.Errors > start) return null;
        return new ClinicRow(code!, name!, country!, city!, address!, Latitude!.Value, Longitude!.Value,
            zone ?? ClinicRules.DefaultTimeZone(country!), phone, email, specialties, languages, Inpatient ?? false, Outpatient ?? true,
            Admits247 ?? false, DirectBilling ?? insurers.Length > 0, insurers, ContractFrom, ContractTo, status, [.. hours], [.. prices]);
    }

    private static string[] Codes(FieldKeys keys, string field, List<string?>? values, Func<string, string> normalize, Func<string, string?> rule)
    {
        var codes = new List<string>();
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(values![i])) { keys.Add(field, i, null, "The entry must not be null or empty."); continue; }
            var code = normalize(values[i]!);
            if (rule(code) is { } error) keys.Add(field, i, null, error);
            else if (!codes.Contains(code)) codes.Add(code);
        }
        return [.. codes];
    }
}

public sealed record OpeningHoursInput(int? Day, string? Opens, string? Closes);

public sealed record PriceInput(string? ServiceCode, decimal? Price, string? Currency, DateOnly? ValidFrom, DateOnly? ValidTo);

/// <summary>
/// Where a clinic's errors go and under which keys: a JSON batch names the path (<c>clinics[3].openingHours[1].closes</c>),
/// a CSV register the row and column (<c>rows[12].opening_hours</c>, the entry in the message), one clinic the field.
/// </summary>
internal sealed class FieldKeys(ValidationErrors errors, string prefix, Func<string, string>? column = null)
{
    public int Errors { get; private set; }

    public void Add(string field, string error)
    {
        errors.Add(Key(field), error);
        Errors++;
    }

    public void Add(string field, int index, string? part, string error)
    {
        if (column is not null) errors.Add(Key(field), $"Entry {index + 1}: {error}");
        else errors.Add($"{Key(field)}[{index}]{(part is null ? "" : "." + part)}", error);
        Errors++;
    }

    private string Key(string field)
    {
        var name = column is null ? field : column(field);
        return prefix.Length == 0 ? name : $"{prefix}.{name}";
    }
}
