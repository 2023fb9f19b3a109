using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Gateway.ApiKeys;
using Platform.Gateway.Auth;
using Yarp.ReverseProxy.Transforms;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Services trust the identity headers and nothing else a client says about itself, so every proxied request loses
/// whatever identity headers the client sent and gets the verified ones. Credentials are not forwarded: services
/// never need them, and a key that reaches no service cannot leak from one.
/// </summary>
internal static class IdentityHeaders
{
    private static readonly string[] StrippedHeaders =
        [.. RequestIdentity.Headers, ApiKeyAuthenticationHandler.HeaderName, HeaderNames.Authorization];

    /// <summary>For anonymous routes (API documents, the console, the SMS provider's receipts): nobody's identity goes on,
    /// not even that of a caller who happened to present a credential.</summary>
    public static ValueTask StripAsync(RequestTransformContext context)
    {
        // Custom headers are always copied into the request's own header collection, never into the content's.
        foreach (var header in StrippedHeaders) context.ProxyRequest.Headers.Remove(header);
        return ValueTask.CompletedTask;
    }

    public static ValueTask StampAsync(RequestTransformContext context)
    {
        var request = context.ProxyRequest;
        StripAsync(context);

        if (Caller.From(context.HttpContext.User) is { TenantId: { } tenant } caller)
        {
            request.Headers.TryAddWithoutValidation(RequestIdentity.TenantHeader, tenant);
            request.Headers.TryAddWithoutValidation(RequestIdentity.ActorHeader, caller.ActorId);
            request.Headers.TryAddWithoutValidation(RequestIdentity.ActorKindHeader, caller.ActorKind);
            request.Headers.TryAddWithoutValidation(RequestIdentity.RolesHeader, string.Join(',', caller.Roles));
            // Signed, so that a service believes these headers only from the gateway. This transform runs after the
            // route's own (PathRemovePrefix): the path is the one the service receives.
            var secret = context.HttpContext.RequestServices.GetRequiredService<IOptions<GatewayStampOptions>>().Value.IdentitySecret!;
            request.Headers.TryAddWithoutValidation(GatewayStamp.Header, GatewayStamp.Sign(secret, DateTimeOffset.UtcNow,
                context.HttpContext.Request.Method, context.Path.Value + context.Query.QueryString.Value,
                new RequestIdentity(tenant, caller.ActorId, caller.ActorKind, caller.Roles)));
        }
        return ValueTask.CompletedTask;
    }
}
