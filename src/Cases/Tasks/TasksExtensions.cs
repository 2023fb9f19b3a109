namespace Platform.Cases.Tasks;

public static class TasksExtensions
{
    /// <summary>The task store, the SLA metrics and the SLA clock (section <c>Sla</c>), which runs on every replica.</summary>
    public static IServiceCollection AddCaseTasks(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration("Sla");
        services.AddSingleton<SlaMetrics>();
        services.AddSingleton<TaskStore>();
        // One instance, so tests (and operations tooling) can run a scan through the same object the timer drives.
        services.AddSingleton<SlaClock>();
        services.AddHostedService(sp => sp.GetRequiredService<SlaClock>());
        return services;
    }
}
