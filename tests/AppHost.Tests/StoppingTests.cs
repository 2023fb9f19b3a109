using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using Platform.AppHost.Infrastructure;
using Platform.Tests;

namespace Platform.AppHost.Tests;

public sealed class Stopping_the_platform
{
    [Fact]
    public async Task Shuts_PostgreSQL_down_cleanly_with_its_data_kept()
    {
        using var state = new TestEnvironment.StateDirectory("stopping");
        var port = TestEnvironment.FreePorts(1)[0];
        await using (var app = Build(state.Path, port))
        {
            await app.StartAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await app.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);
            await ExecuteAsync(port, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
            await app.StopAsync();
        }

        var data = Path.Combine(state.Path, "postgres", "data");
        Assert.False(File.Exists(Path.Combine(data, "postmaster.pid")), "PostgreSQL left its postmaster.pid behind");
        Assert.Contains("Database cluster state:               shut down", await ControlDataAsync(data));
    }

    private static DistributedApplication Build(string state, int port)
    {
        var builder = TestEnvironment.ServersBuilder();
        builder.AddPostgresServer("postgres", state, port);
        return builder.Build();
    }

    private static async Task ExecuteAsync(int port, string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password={PostgresServerResource.Password};Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ControlDataAsync(string data)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_controldata")).First(File.Exists);
        using var process = Process.Start(new ProcessStartInfo(bin, [data]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
