using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;
using Platform.Console.Session;

namespace Platform.Console.Api;

/// <summary>
/// A case document's file for the person's browser: the browser holds only the console's cookie, never the staff token,
/// so the console asks the gateway (GET api/cases/cases/{n}/documents/{id}/content) with the signed-in person's token
/// and streams the answer through as it came: an attachment of its checked type, never rendered as something else.
/// </summary>
public static class CaseDocumentDownload
{
    /// <summary>The console's address of a document's file, relative to the console's base.</summary>
    public static string Path(string caseNumber, Guid documentId) =>
        $"case-documents/{Uri.EscapeDataString(caseNumber)}/{documentId}";

    public static IEndpointRouteBuilder MapCaseDocumentDownload(this IEndpointRouteBuilder app)
    {
        app.MapGet("/case-documents/{number}/{documentId:guid}", DownloadAsync)
            .RequireAuthorization(new AuthorizeAttribute { Roles = "coordinator,doctor,supervisor,admin" })
            .ExcludeFromDescription();
        return app;
    }

    private static async Task DownloadAsync(string number, Guid documentId, HttpContext http, IHttpClientFactory clients,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (Staff.From(http.User) is not { } staff)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var client = clients.CreateClient(GatewayClient.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/cases/cases/{Uri.EscapeDataString(number)}/documents/{documentId}/content");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staff.Token);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (GatewayClient.Unreachable(e))
        {
            loggers.CreateLogger(typeof(CaseDocumentDownload)).LogWarning(e, "Document {Document} of case {Case} could not be fetched", documentId, number);
            await Plain(http, StatusCodes.Status502BadGateway, Texts.T.GatewayUnreachable);
            return;
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                await Plain(http, status, ApiFailure.From(status, null).Message);
                return;
            }
            var headers = http.Response.Headers;
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            if (response.Content.Headers.ContentLength is { } length) http.Response.ContentLength = length;
            headers[HeaderNames.ContentDisposition] = response.Content.Headers.ContentDisposition?.ToString() ?? "attachment";
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.CacheControl] = "no-store";
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(http.Response.Body, ct);
        }
    }

    private static Task Plain(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message);
    }
}
