namespace Platform.Gateway.Auth;

/// <summary>
/// <c>dotnet Gateway.dll mint-token --subject alice --roles admin,coordinator [--tenant acme] [--lifetime 08:00:00]</c>
/// prints a staff token signed with the key the gateway is configured with (<c>Auth:Jwt:*</c>) and nothing else.
/// </summary>
internal static class MintTokenCommand
{
    public const string Name = "mint-token";

    private const string Usage =
        "usage: Gateway mint-token --subject <id> --roles <role[,role...]> [--tenant <tenant-id>] [--lifetime <hh:mm:ss>]";

    // Consumed by the host's own command-line configuration; accepted here so they can pick the environment.
    private static readonly string[] HostOptions = ["--environment", "--contentRoot", "--applicationName"];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // The gateway's own configuration sources (appsettings*.json next to the binary, environment, command line),
        // whatever the current directory.
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        }).Configuration;

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error.WriteLine(Usage);
                return 2;
            }
            if (HostOptions.Contains(args[i], StringComparer.OrdinalIgnoreCase)) continue;
            values[args[i][2..]] = args[i + 1];
        }

        var unknown = values.Keys.Except(["subject", "roles", "tenant", "lifetime"], StringComparer.OrdinalIgnoreCase).ToArray();
        if (unknown.Length > 0 || !values.TryGetValue("subject", out var subject) || !values.TryGetValue("roles", out var roles))
        {
            error.WriteLine(Usage);
            return 2;
        }

        TimeSpan? lifetime = null;
        if (values.TryGetValue("lifetime", out var text))
        {
            if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed <= TimeSpan.Zero)
            {
                error.WriteLine($"--lifetime '{text}' is not a positive time span (hh:mm:ss).");
                return 2;
            }
            lifetime = parsed;
        }

        var tenant = values.GetValueOrDefault("tenant");
        if (tenant is not null && !TenantId.IsValid(tenant))
        {
            error.WriteLine($"--tenant '{tenant}' is not a tenant id (lowercase letters, digits and '-').");
            return 2;
        }

        var options = configuration.GetSection(StaffTokenOptions.Section).Get<StaffTokenOptions>() ?? new StaffTokenOptions();
        if (!options.HasValidKey)
        {
            error.WriteLine(StaffTokenOptions.InvalidKeyMessage + " (or run with --environment Development for the development key)");
            return 1;
        }

        output.WriteLine(DevTokens.Mint(options.SigningKey!, subject, roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            tenant, lifetime, options.Issuer, options.Audience));
        return 0;
    }
}
