using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Cases.Tasks;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>
/// Cases on a clock the test moves. The clock starts at the real present, because the appeals the tests publish carry
/// real times (their callback is due an hour from now). The SLA clock's own timer is set far out, so scans happen only
/// when a test runs one and a test's counts are not raced by a background scan; <see cref="TimerTasksFactory"/> keeps it.
/// </summary>
public class TasksFactory() : ServiceFactory<Program>("casesdb")
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>PeriodicTimer takes at most ~49 days; the tests move the clock by hours and days.</summary>
    protected virtual string ScanInterval => "40.00:00:00";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Sla:ScanInterval", ScanInterval);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>
    /// A tenant of this test only: every Cases host of the test process consumes every appeal published to its broker,
    /// and a scan counts across tenants, so fixed names would meet another test's cases.
    /// </summary>
    public static string Tenant(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    public SlaClock SlaClock => Services.GetRequiredService<SlaClock>();

    /// <summary>Another replica's clock: a second worker over the same database.</summary>
    public SlaClock AnotherSlaClock() => ActivatorUtilities.CreateInstance<SlaClock>(Services);

    /// <summary>Publishes an appeal as Intake would and waits until its case is filed; returns the case.</summary>
    public Task<(Guid Id, string Number, AppealRegistered Appeal)> OpenCaseAsync(string tenant, string fullName = "Pyotr Ivanov") =>
        OpenCaseAsync(CasesFactory.Appeal(tenant, fullName));

    /// <summary>Publishes <paramref name="appeal"/> as Intake would and waits until its case is filed; returns the case.</summary>
    public async Task<(Guid Id, string Number, AppealRegistered Appeal)> OpenCaseAsync(AppealRegistered appeal)
    {
        await Services.GetRequiredService<IBus>().Publish(appeal, ctx => ctx.MessageId = Guid.NewGuid());
        await Eventually.True(async () => await CountAsync("SELECT count(*) FROM case_appeals WHERE appeal_id = @id", ("id", appeal.AppealId)) == 1,
            TimeSpan.FromSeconds(15), $"the appeal about {appeal.Insured.FullName} is filed");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT c.id, c.number FROM cases c JOIN case_appeals a ON a.case_id = c.id WHERE a.appeal_id = @id", connection);
        cmd.Parameters.AddWithValue("id", appeal.AppealId);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetGuid(0), r.GetString(1), appeal);
    }

    /// <summary>Changes rows directly: the status API belongs to the case file, and these tests are about the clock.</summary>
    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<JsonElement[]> TasksAsync(HttpClient client, string caseNumber, string? kind = null) =>
        (await client.GetFromJsonAsync<JsonElement>($"/cases/{caseNumber}/tasks")).EnumerateArray()
            .Where(t => kind is null || t.GetProperty("kind").GetString() == kind).ToArray();
}

/// <summary>Cases whose SLA clock scans on its timer every 5 s of the (fake) clock, as in production.</summary>
public sealed class TimerTasksFactory : TasksFactory
{
    protected override string ScanInterval => "00:00:05";
}
