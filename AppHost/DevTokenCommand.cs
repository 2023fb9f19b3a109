using Platform.Gateway.Auth;

namespace Platform.AppHost;

/// <summary>Development staff tokens, minted by the gateway's own <see cref="DevTokens"/> with the key AppHost gives it.</summary>
internal static class DevTokenCommand
{
    /// <summary>The gateway's development key (override with <c>Auth__Jwt__SigningKey</c>). Never used outside this machine.</summary>
    public const string DevelopmentSigningKey = "development-signing-key-0123456789abcdef0123456789";

    public const string DefaultTenant = "acme";

    private const string Usage =
        "usage: token --roles <role[,role...]> [--tenant <tenant-id> (default acme; '' for none)] [--subject <id>] [--lifetime <hh:mm:ss>]";

    /// <summary>Prints only the token, so that <c>TOKEN=$(./platform token --roles admin)</c> works.</summary>
    public static int Run(string[] args, string signingKey)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                return Fail(Usage);
            values[args[i][2..]] = args[i + 1];
        }
        if (values.Keys.Except(["roles", "tenant", "subject", "lifetime"], StringComparer.OrdinalIgnoreCase).Any() ||
            !values.TryGetValue("roles", out var roles))
            return Fail(Usage);

        var tenant = values.GetValueOrDefault("tenant", DefaultTenant);
        if (tenant.Length > 0 && !TenantId.IsValid(tenant))
            return Fail($"--tenant '{tenant}' is not a tenant id (lowercase letters, digits and '-').");

        TimeSpan? lifetime = null;
        if (values.TryGetValue("lifetime", out var text))
        {
            if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed <= TimeSpan.Zero)
                return Fail($"--lifetime '{text}' is not a positive time span (hh:mm:ss).");
            lifetime = parsed;
        }

        var roleList = roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Console.Out.WriteLine(DevTokens.Mint(signingKey, values.GetValueOrDefault("subject", "dev-" + roleList.FirstOrDefault()),
            roleList, tenant.Length > 0 ? tenant : null, lifetime));
        return 0;
    }

    public static void PrintWelcome(string gatewayUrl, string signingKey)
    {
        var token = DevTokens.Mint(signingKey, "dev-admin", [GatewayAuth.Roles.Admin], DefaultTenant);
        LogSink.Plain($"""

              Gateway:   {LogSink.Bold(gatewayUrl)}
              API docs:  {LogSink.Bold(gatewayUrl + "/docs")}

              Development admin token (tenant {DefaultTenant}, 8 h; others: ./platform token --roles coordinator --tenant {DefaultTenant}):
              {token}

              TOKEN=$(./platform token --roles admin)
              curl -H "Authorization: Bearer $TOKEN" {gatewayUrl}/api/cases/cases

            """);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
