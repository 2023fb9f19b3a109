using Microsoft.AspNetCore.Components;
using Platform.Console.Api;
using Platform.Console.Session;
using Platform.Console.Texts;

namespace Platform.Console.Components.Oms;

/// <summary>
/// An action on an OMS appeal as a small form: checked in the person's language before sending (the same rules as the
/// OMS service's), the API's field errors shown next to the fields, failures through ApiError, and the appeal as it now
/// is handed back to the page.
/// </summary>
public abstract class OmsActionBase : ComponentBase
{
    [Inject] protected GatewayClient Gateway { get; set; } = default!;

    [Parameter, EditorRequired] public OmsAppealView Appeal { get; set; } = default!;
    [Parameter, EditorRequired] public Staff Staff { get; set; } = default!;

    /// <summary>The appeal after the action.</summary>
    [Parameter] public EventCallback<OmsAppealView> Done { get; set; }

    protected Dictionary<string, string> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);
    protected ApiFailure? Failure { get; set; }
    protected bool Busy { get; private set; }

    protected string? Err(string field) => Errors.GetValueOrDefault(field) ?? Failure?.FieldError(field);

    protected bool Has(string field) => Err(field) is not null;

    protected void Clear(string field) => Errors.Remove(field);

    protected static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    protected bool Required(string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) return true;
        Errors.TryAdd(field, T.AppealRequired);
        return false;
    }

    protected void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max) Errors.TryAdd(field, T.AppealTooLong(max));
    }

    protected string AppealPath => $"api/oms/appeals/{Uri.EscapeDataString(Appeal.Number)}";

    /// <summary>Sends the change when the checks passed; the page gets the appeal back.</summary>
    protected async Task<bool> SendAsync(HttpMethod method, string path, object body)
    {
        Failure = null;
        if (Errors.Count > 0 || Busy) return false;
        Busy = true;
        var result = await Gateway.SendAsync<OmsAppealView>(method, path, body);
        Busy = false;
        if (result.Value is not { } appeal)
        {
            Failure = result.Failure;
            return false;
        }
        await Done.InvokeAsync(appeal);
        return true;
    }
}
