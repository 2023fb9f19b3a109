using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.ClinicNetwork.Quality;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

public sealed class A_clinics_quality(ClockedClinicsFactory clinics) : IClassFixture<ClockedClinicsFactory>
{
    [Fact]
    public async Task Starts_neutral_and_falls_with_a_bad_follow_up_call_showing_why()
    {
        var client = clinics.ClientFor(Network.Tenant());
        await client.LoadAsync(Network.Clinic("Q-1"));
        Assert.Equal(75, (await (await client.GetAsync("/clinics/Q-1/quality")).Json()).GetProperty("score").GetInt32());

        var response = await client.PostAsJsonAsync("/clinics/Q-1/quality/follow-ups", new
        {
            caseNumber = "C-2026-000042", careRendered = true, paymentAskedOfPatient = true, paymentAmount = 150, paymentCurrency = "usd",
            drugsReceived = false, assessment = 2, note = "Asked for cash at the desk",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = await response.Json();
        // signal (1 + 0 + 0 + 0.4) / 4 = 0.35; score 100 * (2 * 0.75 + 0.35) / 3 = 62
        Assert.Equal(62, report.GetProperty("score").GetInt32());
        Assert.Equal("1 follow-up call; the patient was asked to pay in 1; assessed 2.0 of 5 on average",
            report.GetProperty("why")[0].GetString());
    }

    [Fact]
    public async Task Counts_an_old_event_less_by_a_half_life_of_180_days()
    {
        var client = clinics.ClientFor(Network.Tenant());
        await client.LoadAsync(Network.Clinic("FRESH"), Network.Clinic("OLD"));

        await client.PostAsJsonAsync("/clinics/FRESH/quality/events", new { kind = "complaint" });
        await client.PostAsJsonAsync("/clinics/OLD/quality/events", new { kind = "complaint", occurredAt = ClockedClinicsFactory.Now.AddDays(-360) });

        // weight 2 now: 100 * 1.5 / 4 = 38; weight 2 * 0.25 a year ago: 100 * 1.5 / 2.5 = 60
        Assert.Equal(38, (await (await client.GetAsync("/clinics/FRESH/quality")).Json()).GetProperty("score").GetInt32());
        Assert.Equal(60, (await (await client.GetAsync("/clinics/OLD/quality")).Json()).GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Puts_the_worst_clinics_first_for_supervisors_with_why()
    {
        var client = clinics.ClientFor(Network.Tenant());
        await client.LoadAsync(Network.Clinic("GOOD"), Network.Clinic("SLOW"), Network.Clinic("BAD"));
        await client.PostAsJsonAsync("/clinics/GOOD/quality/follow-ups", new { careRendered = true, paymentAskedOfPatient = false, assessment = 5 });
        await client.PostAsJsonAsync("/clinics/SLOW/quality/events", new { kind = "help-organised", minutes = 180, caseNumber = "C-1" });
        await client.PostAsJsonAsync("/clinics/BAD/quality/events", new { kind = "gop-refusal" });
        await client.PostAsJsonAsync("/clinics/BAD/quality/events", new { kind = "invoice-dispute" });

        var worst = await (await client.GetAsync("/clinics/quality/worst?limit=2")).Json();

        Assert.Equal(["BAD", "SLOW"], worst.EnumerateArray().Select(w => w.GetProperty("clinicCode").GetString()));
        Assert.Equal(["1 guarantee letter refused", "1 invoice disputed"], worst[0].GetProperty("why").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("help organised in 180 minutes on average (1 case)", worst[1].GetProperty("why")[0].GetString());
    }

    [Fact]
    public async Task Refuses_bad_results_naming_the_field_and_a_foreign_clinic_as_missing()
    {
        var client = clinics.ClientFor(Network.Tenant());
        await client.LoadAsync(Network.Clinic("V-1"));

        var bad = await client.PostAsJsonAsync("/clinics/V-1/quality/follow-ups", new { careRendered = true, assessment = 7 });
        var minutes = await client.PostAsJsonAsync("/clinics/V-1/quality/events", new { kind = "help-organised" });
        var foreign = await clinics.ClientFor(Network.Tenant()).PostAsJsonAsync("/clinics/V-1/quality/events", new { kind = "complaint" });

        Assert.Equal(["assessment", "paymentAskedOfPatient"], (await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ProblemTypes.Validation)).ErrorKeys());
        Assert.Equal(["minutes"], (await ProblemAssert.IsProblemAsync(minutes, HttpStatusCode.BadRequest, ProblemTypes.Validation)).ErrorKeys());
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Is_recorded_inside_another_features_transaction_and_only_if_it_commits()
    {
        var tenant = Network.Tenant();
        await clinics.ClientFor(tenant).LoadAsync(Network.Clinic("TX-1"));
        var clinicId = (await (await clinics.ClientFor(tenant).GetAsync("/clinics/TX-1")).Json()).GetProperty("id").GetGuid();

        await using var connection = new NpgsqlConnection(clinics.ConnectionString);
        await connection.OpenAsync();
        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            Assert.True(await ClinicQuality.RecordAsync(rolledBack, tenant, clinicId, QualityKinds.GopRefusal, ClockedClinicsFactory.Now, "C-9"));
            await rolledBack.RollbackAsync();
        }
        await using (var committed = await connection.BeginTransactionAsync())
        {
            Assert.True(await ClinicQuality.RecordAsync(committed, tenant, clinicId, QualityKinds.GopRefusal, ClockedClinicsFactory.Now, "C-9"));
            Assert.False(await ClinicQuality.RecordAsync(committed, "another-tenant", clinicId, QualityKinds.GopRefusal, ClockedClinicsFactory.Now));
            await committed.CommitAsync();
        }

        Assert.Equal(1, await clinics.CountAsync("SELECT count(*) FROM clinic_quality_events WHERE clinic_id = @c", ("c", clinicId)));
    }
}
