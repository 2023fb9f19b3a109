using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Coverage;

/// <summary>A guarantee letter reserves its amount against the benefit's limit.</summary>
public sealed class GuaranteeLetterIssuedConsumer(NpgsqlDataSource dataSource, CoverageLedger ledger)
    : InboxConsumer<GuaranteeLetterIssued>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<GuaranteeLetterIssued> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return ledger.ApplyAsync(transaction, new CoverageLedger.Fact(m.TenantId, m.CaseId,
            new CoverageEntry(0, CoverageEntryKinds.LetterIssued, m.LetterId, null, m.Benefit, m.Amount, m.Currency, m.IssuedAt),
            "guarantee-letter-issued",
            string.Create(CultureInfo.InvariantCulture,
                $"Guarantee letter {(m.Number is null ? "" : m.Number + " ")}issued{(m.ClinicName is null ? "" : " to " + m.ClinicName)}: {m.Amount:N2} {m.Currency} reserved for {m.Benefit}"),
            new { m.LetterId, m.Benefit, m.Amount, m.Currency, m.Number, m.ClinicName, m.CoPayment }), context.CancellationToken);
    }
}
