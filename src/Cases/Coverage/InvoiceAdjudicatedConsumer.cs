using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Coverage;

/// <summary>An adjudicated invoice spends its approved amount, releasing the reservation of the letter it was billed under.</summary>
public sealed class InvoiceAdjudicatedConsumer(NpgsqlDataSource dataSource, CoverageLedger ledger)
    : InboxConsumer<InvoiceAdjudicated>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<InvoiceAdjudicated> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return ledger.ApplyAsync(transaction, new CoverageLedger.Fact(m.TenantId, m.CaseId,
            new CoverageEntry(0, CoverageEntryKinds.InvoiceAdjudicated, m.InvoiceId, m.GuaranteeLetterId, m.Benefit, m.ApprovedAmount,
                m.Currency, m.AdjudicatedAt),
            "invoice-adjudicated",
            string.Create(CultureInfo.InvariantCulture, $"Invoice adjudicated: {m.ApprovedAmount:N2} {m.Currency} approved for {m.Benefit}") +
            (m.GuaranteeLetterId is null ? "" : " under a guarantee letter"),
            new { m.InvoiceId, m.Benefit, m.ApprovedAmount, m.Currency, m.GuaranteeLetterId }), context.CancellationToken);
    }
}
