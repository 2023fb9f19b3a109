using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Coverage;

/// <summary>An amended guarantee letter reserves its new amount instead of the old one.</summary>
public sealed class GuaranteeLetterAmendedConsumer(NpgsqlDataSource dataSource, CoverageLedger ledger)
    : InboxConsumer<GuaranteeLetterAmended>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<GuaranteeLetterAmended> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return ledger.ApplyAsync(transaction, new CoverageLedger.Fact(m.TenantId, m.CaseId,
            new CoverageEntry(0, CoverageEntryKinds.LetterAmended, m.LetterId, null, m.Benefit, m.NewAmount, m.Currency, m.AmendedAt),
            "guarantee-letter-amended",
            string.Create(CultureInfo.InvariantCulture, $"Guarantee letter amended: {m.NewAmount:N2} {m.Currency} now reserved for {m.Benefit}"),
            new { m.LetterId, m.Benefit, m.NewAmount, m.Currency }), context.CancellationToken);
    }
}
