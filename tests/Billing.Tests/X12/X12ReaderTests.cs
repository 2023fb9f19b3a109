using Platform.Billing.X12;

namespace Platform.Billing.Tests.X12;

public class X12ReaderTests
{
    [Fact]
    public void Reads_the_delimiters_from_the_ISA_and_every_envelope_of_a_valid_file()
    {
        var read = X12Reader.Read(X12Samples.Professional);

        Assert.True(read.Ok, string.Join("\n", read.Errors));
        var interchange = read.Interchange!;
        Assert.Equal(X12Delimiters.Default, interchange.Delimiters);
        Assert.Equal("000000001", interchange.ControlNumber);
        Assert.Equal("CLINICSUBMIT", interchange.SenderId);
        var group = Assert.Single(interchange.Groups);
        Assert.Equal("005010X222A1", group.Version);
        var set = Assert.Single(group.TransactionSets);
        Assert.Equal("837", set.Code);
        Assert.Equal(53, set.Segments.Count);
        Assert.Equal("CLM", set.Segments[X12Samples.PositionOf(X12Samples.Professional, "CLM*INV-1001") - 1].Id);
    }

    [Fact]
    public void Other_delimiters_declared_in_the_ISA_are_used_and_line_breaks_are_optional()
    {
        var text = X12Samples.Professional.Replace("*", "|").Replace(":", ">").Replace("~\n", "!");

        var read = X12Reader.Read(text);

        Assert.True(read.Ok, string.Join("\n", read.Errors));
        Assert.Equal(new X12Delimiters('|', '^', '>', '!'), read.Interchange!.Delimiters);
        var clm = read.Interchange.Groups[0].TransactionSets[0].Segments.First(s => s.Id == "CLM");
        Assert.Equal("B", clm.Component(5, 2));
    }

    [Fact]
    public void Carriage_returns_and_line_feeds_after_terminators_are_tolerated()
    {
        var read = X12Reader.Read(X12Samples.Professional.Replace("~\n", "~\r\n"));

        Assert.True(read.Ok, string.Join("\n", read.Errors));
    }

    [Fact]
    public void A_segment_count_that_differs_from_the_set_is_reported_naming_SE01()
    {
        var read = X12Reader.Read(X12Samples.Professional.Edit("SE*53*0001", "SE*50*0001"));

        var error = Assert.Single(read.Errors);
        Assert.Equal("SE01", error.Element);
        Assert.Equal(53, error.Position);
        Assert.Equal("0001", error.TransactionSet);
        Assert.Contains("53", error.Message);
    }

    [Fact]
    public void Control_numbers_that_do_not_match_their_header_are_reported_naming_SE02_GE02_and_IEA02_all_at_once()
    {
        var text = X12Samples.Professional.Edit("SE*53*0001", "SE*53*0002").Edit("GE*1*1~", "GE*1*2~").Edit("IEA*1*000000001", "IEA*1*000000009");

        var errors = X12Reader.Read(text).Errors;

        Assert.Equal(["SE02", "GE02", "IEA02"], errors.Select(e => e.Element));
    }

    [Fact]
    public void Group_and_set_counts_that_are_wrong_are_reported_naming_GE01_and_IEA01()
    {
        var errors = X12Reader.Read(X12Samples.Professional.Edit("GE*1*1~", "GE*2*1~").Edit("IEA*1*", "IEA*3*")).Errors;

        Assert.Equal(["GE01", "IEA01"], errors.Select(e => e.Element));
        Assert.Contains("1 transaction sets", errors[0].Message);
    }

    [Fact]
    public void A_letter_as_a_delimiter_is_refused_naming_ISA16()
    {
        var text = X12Samples.Professional;
        text = text[..104] + "X" + text[105..];

        var read = X12Reader.Read(text);

        Assert.Null(read.Interchange);
        var error = Assert.Single(read.Errors);
        Assert.Equal("ISA16", error.Element);
        Assert.Contains("'X'", error.Message);
    }

    [Fact]
    public void A_4010_repetition_separator_is_refused_naming_ISA11()
    {
        var text = X12Samples.Professional;
        text = text[..82] + "U" + text[83..];

        var error = Assert.Single(X12Reader.Read(text).Errors);

        Assert.Equal("ISA11", error.Element);
    }

    [Fact]
    public void Delimiters_that_repeat_are_refused()
    {
        var text = X12Samples.Professional;
        text = text[..104] + "^" + text[105..];

        var error = Assert.Single(X12Reader.Read(text).Errors);

        Assert.Equal("ISA16", error.Element);
        Assert.Contains("must all differ", error.Message);
    }

    [Fact]
    public void An_ISA_that_is_not_fixed_width_is_refused_naming_the_element_where_it_breaks()
    {
        var text = X12Samples.Professional.Edit("*ZZ*CLINICSUBMIT   *", "*ZZ*CLINICSUBMIT*");

        var error = Assert.Single(X12Reader.Read(text).Errors);

        Assert.Equal("ISA06", error.Element);
        Assert.Contains("must be 15 characters, not 12", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_X12_is_refused_at_the_first_segment()
    {
        var error = Assert.Single(X12Reader.Read("{\"invoice\": 1}").Errors);

        Assert.Equal(("ISA", 1), (error.SegmentId, error.Position));
    }

    [Fact]
    public void A_file_cut_short_reports_the_missing_SE_GE_and_IEA()
    {
        var text = X12Samples.Professional;
        text = text[..text.IndexOf("SE*53", StringComparison.Ordinal)];

        var messages = X12Reader.Read(text).Errors.Select(e => e.Message).ToList();

        Assert.Contains(messages, m => m.Contains("has no SE"));
        Assert.Contains(messages, m => m.Contains("has no GE"));
        Assert.Contains(messages, m => m.Contains("without the IEA"));
    }

    [Fact]
    public void A_segment_after_the_IEA_or_outside_a_transaction_set_is_reported_with_its_file_position()
    {
        var text = X12Samples.Professional.Edit("GS*HC*", "REF*EI*1~\nGS*HC*") + "NM1*41*2*X~\n";

        var errors = X12Reader.Read(text).Errors;

        Assert.Equal([("REF", 2), ("NM1", 59)], errors.Select(e => (e.SegmentId, e.Position)));
    }
}
