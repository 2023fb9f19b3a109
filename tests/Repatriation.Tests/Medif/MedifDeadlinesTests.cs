using Platform.Repatriation.Medif;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Tests.Medif;

public sealed class MedifDeadlinesTests
{
    private static readonly DateTimeOffset Departs = new(2026, 12, 10, 23, 55, 0, TimeSpan.FromHours(7));

    [Theory]
    [InlineData("SU", 72)]
    [InlineData("LH", 48)]
    [InlineData("EK", 96)]
    [InlineData("QR", 168)]
    [InlineData("tk", 72)]
    public void A_listed_carrier_gets_its_own_lead_time_before_the_first_flight(string carrier, int hours)
    {
        Assert.Equal(Departs - TimeSpan.FromHours(hours), MedifDeadlines.Due(carrier, Departs));
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData(null)]
    public void A_carrier_not_listed_gets_48_hours(string? carrier)
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 23, 55, 0, TimeSpan.FromHours(7)), MedifDeadlines.Due(carrier, Departs));
    }

    [Fact]
    public void Every_listed_lead_time_lies_between_48_hours_and_7_days_and_says_it_is_an_example()
    {
        Assert.NotEmpty(MedifDeadlines.Carriers);
        Assert.All(MedifDeadlines.Carriers.Values, c =>
        {
            Assert.InRange(c.LeadTime, TimeSpan.FromHours(48), TimeSpan.FromDays(7));
            Assert.Contains("example", c.Source);
        });
    }

    [Fact]
    public void The_request_counts_back_from_its_first_flight_not_from_the_ambulance_before_it()
    {
        var request = MedifSamples.Request(carrier: "SU");

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 23, 55, 0, TimeSpan.FromHours(7)), MedifDeadlines.Due(request));
    }

    [Theory]
    [InlineData("carrier,hours_before_departure,note\nXX,24,too short")]
    [InlineData("carrier,hours_before_departure,note\nXX,169,too long")]
    [InlineData("carrier,hours_before_departure,note\nXX,48,a\nxx,72,b")]
    [InlineData("carrier,hours_before_departure,note\nXX,two days,c")]
    public void Data_outside_the_rules_is_refused(string csv)
    {
        Assert.Throws<FormatException>(() => MedifDeadlines.Parse(csv));
    }

    [Theory]
    [InlineData(TransportModes.CommercialStretcher, true, true, WheelchairCodes.Wchc)]
    [InlineData(TransportModes.CommercialSeated, false, false, WheelchairCodes.Wchc)]
    [InlineData(TransportModes.CommercialSeated, true, false, WheelchairCodes.Wchs)]
    [InlineData(TransportModes.CommercialExtraSeats, true, true, WheelchairCodes.Wchr)]
    [InlineData(TransportModes.AirAmbulance, false, false, WheelchairCodes.None)]
    public void Proposes_the_wheelchair_code_from_the_mode_and_what_the_patient_can_do(string mode, bool walks, bool climbs, string expected)
    {
        Assert.Equal(expected, WheelchairCodes.Propose(mode, walks, climbs));
    }

    [Fact]
    public void A_patient_who_walks_far_needs_no_wheelchair()
    {
        Assert.Equal(WheelchairCodes.None, WheelchairCodes.Propose(TransportModes.CommercialSeated, true, true, canWalkFar: true));
    }
}
