namespace Platform.OmsRepresentatives.Campaigns;

/// <summary>How many invitations a campaign may send a day: SMS, calls, and per clinic (so none is flooded).</summary>
public sealed record CampaignCaps(int SmsPerDay, int CallsPerDay, int ClinicPerDay);

/// <summary>
/// Gives each invitation, in the order they come, the earliest day from the start on which its channel and its clinic
/// both still have room: a greedy assignment that keeps both caps exactly. It stays linear in the invitations: a day
/// that is full for a channel or a clinic never has room again, so for each (clinic, channel) the first day worth
/// trying only moves forward, and is remembered.
/// </summary>
public sealed class DaySchedule(DateOnly startsOn, CampaignCaps caps)
{
    public const int Sms = 0, Call = 1;

    private readonly List<int>[] perChannel = [[], []];
    private readonly int[] channelFirstFree = [0, 0];
    private readonly Dictionary<string, Clinic> clinics = new(StringComparer.Ordinal);
    private readonly Clinic noClinic = new(capped: false);

    public DateOnly StartsOn => startsOn;

    /// <summary>Days from the start to the last day with an invitation (0 when none).</summary>
    public int Days { get; private set; }

    public static int ChannelOf(string channel) => channel == "sms" ? Sms : Call;

    /// <summary>Counts an invitation already on a day (a re-invitation's wave shares the campaign's days with the earlier ones).</summary>
    public void Preload(DateOnly day, int channel, string? clinic, int count)
    {
        var index = day.DayNumber - startsOn.DayNumber;
        if (index < 0) return;
        At(perChannel[channel], index) += count;
        if (clinic is not null) At(ClinicOf(clinic).Counts, index) += count;
    }

    /// <summary>The day of the next invitation on <paramref name="channel"/> (<see cref="Sms"/> or <see cref="Call"/>) to a person of
    /// <paramref name="clinic"/> (null: no clinic, only the channel's cap holds); the day is counted as taken.</summary>
    public DateOnly Assign(int channel, string? clinic)
    {
        var c = clinic is null ? noClinic : ClinicOf(clinic);
        var counts = perChannel[channel];
        var channelCap = channel == Sms ? caps.SmsPerDay : caps.CallsPerDay;
        while (channelFirstFree[channel] < counts.Count && counts[channelFirstFree[channel]] >= channelCap) channelFirstFree[channel]++;
        var day = Math.Max(c.FirstFree[channel], channelFirstFree[channel]);
        while ((day < counts.Count && counts[day] >= channelCap) || (c.Capped && day < c.Counts.Count && c.Counts[day] >= caps.ClinicPerDay)) day++;
        c.FirstFree[channel] = day;
        At(counts, day)++;
        if (c.Capped) At(c.Counts, day)++;
        if (day + 1 > Days) Days = day + 1;
        return startsOn.AddDays(day);
    }

    private Clinic ClinicOf(string code)
    {
        if (!clinics.TryGetValue(code, out var c)) clinics[code] = c = new Clinic(capped: true);
        return c;
    }

    private static ref int At(List<int> counts, int index)
    {
        while (counts.Count <= index) counts.Add(0);
        return ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(counts)[index];
    }

    private sealed class Clinic(bool capped)
    {
        public bool Capped { get; } = capped;
        public List<int> Counts { get; } = [];
        public int[] FirstFree { get; } = [0, 0];
    }
}
