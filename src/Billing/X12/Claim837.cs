using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Billing.Invoices;

namespace Platform.Billing.X12;

/// <summary>The invoices read from an 837 file (one per claim without errors) and every error found.</summary>
public sealed record Claim837Result(IReadOnlyList<Invoice> Invoices, IReadOnlyList<X12Error> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// X12 837 health care claims, professional (005010X222A1) and institutional (005010X223A2), read into invoices and
/// written from them. The GOP number travels as the prior authorization (2300 REF*G1) and our case number as the
/// referral number (2300 REF*9F); the subscriber's member id (NM109 of NM1*IL) is the policy number.
/// </summary>
public static partial class Claim837
{
    public const string ProfessionalVersion = "005010X222A1";
    public const string InstitutionalVersion = "005010X223A2";

    /// <summary>The code system of an institutional line billed by its revenue code alone (SV2 without SV202).</summary>
    public const string RevenueCodeSystem = "revenue";

    public const string DefaultBenefit = "medical-expenses";

    /// <summary>Reads every claim of every 837 transaction set in the file. Never throws: whatever is wrong is an error.</summary>
    public static Claim837Result Parse(string text, string tenantId, DateTimeOffset receivedAt)
    {
        var read = X12Reader.Read(text);
        var errors = new List<X12Error>(read.Errors);
        var invoices = new List<Invoice>();
        if (read.Interchange is null) return new Claim837Result([], errors);

        foreach (var group in read.Interchange.Groups)
        {
            foreach (var set in group.TransactionSets)
            {
                if (set.Code != "837")
                {
                    errors.Add(new("ST", 1, "ST01", $"transaction set {set.Code} is not a health care claim (837)", set.ControlNumber));
                    continue;
                }
                if (group.FunctionalId != "HC")
                    errors.Add(new("ST", 1, "GS01", $"claims travel in a functional group HC, not \"{group.FunctionalId}\"", set.ControlNumber));
                bool institutional;
                if (set.Version == ProfessionalVersion) institutional = false;
                else if (set.Version == InstitutionalVersion) institutional = true;
                else
                {
                    errors.Add(new("ST", 1, "ST03", $"version \"{set.Version}\" is neither {ProfessionalVersion} (837P) nor {InstitutionalVersion} (837I)", set.ControlNumber));
                    continue;
                }
                new SetReader(set, institutional, tenantId, receivedAt, errors, invoices).Read();
            }
        }
        // A file whose envelope is wrong is refused whole: its claims may be cut or misnumbered.
        return new Claim837Result(read.Errors.Count == 0 ? invoices : [], errors);
    }

    private enum Level { Header, Provider, Subscriber, Patient }

    private sealed class SetReader(
        X12TransactionSet set, bool institutional, string tenantId, DateTimeOffset receivedAt, List<X12Error> errors, List<Invoice> invoices)
    {
        private static readonly Regex Icd10 = new("^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$", RegexOptions.CultureInvariant);
        private static readonly Regex ProcedureCode = new("^[A-Z0-9]{5}$", RegexOptions.CultureInvariant);
        private static readonly HashSet<string> Icd9Qualifiers = ["BK", "BF", "BJ", "PR", "BN", "BR", "BQ"];
        // HI code lists that say nothing the invoice keeps (admitting diagnosis, reason for visit, procedures, occurrence, value, condition and treatment codes).
        private static readonly HashSet<string> OtherHiQualifiers = ["ABJ", "APR", "ABN", "BBR", "BBQ", "CAH", "BI", "BH", "BE", "BG", "TC", "BP", "BO", "DR"];

        private Level _level = Level.Header;
        private string? _entity;
        private bool _headerBad, _providerBad, _subscriberBad, _claimBad;
        private string? _providerHl, _subscriberHl;

        private X12Segment? _providerHlSegment;
        private bool _billerChecked;
        private string? _billerName, _npi, _taxId, _address, _city, _state, _postalCode, _country;
        private string _currency = "USD";

        private X12Segment? _subscriberHlSegment;
        private string? _memberId;
        private (string Family, string Given, DateOnly? Born, string? Sex)? _subscriber, _patient;
        private bool _sawPayer;

        private Claim? _claim;
        private Line? _line;

        private sealed class Claim(X12Segment clm, int index)
        {
            public X12Segment Segment { get; } = clm;
            public int Index { get; } = index;
            public string Number = "";
            public decimal? Total;
            public string? FacilityCode;
            public DateOnly? StatementFrom, StatementTo, Admission;
            public string? Guarantee, CaseNumber;
            public string? Principal;
            public readonly List<string> Diagnoses = [];
            public bool SawHi;
            public readonly List<Line> Lines = [];
        }

        private sealed class Line(X12Segment lx, int index)
        {
            public X12Segment Segment { get; } = lx;
            public int Index { get; } = index;
            public bool SawService;
            public bool ChargeRead;
            public string Code = "", CodeSystem = "";
            public string? Revenue, Description;
            public decimal Amount, Units;
            public List<int> Pointers = [];
            public int PointerIndex;
            public DateOnly? From, To;
        }

        public void Read()
        {
            var segments = set.Segments;
            var sawBht = false;
            var sawSubmitter = false;
            var sawReceiver = false;
            for (var i = 1; i < segments.Count - 1; i++)
            {
                var s = segments[i];
                switch (s.Id)
                {
                    case "BHT":
                        sawBht = true;
                        if (s[1] != "0019") Error(s, i, "BHT01", $"the hierarchical structure code \"{s[1]}\" must be 0019");
                        break;
                    case "HL":
                        FinishClaim();
                        Hl(s, i);
                        break;
                    case "NM1":
                        if (_level == Level.Header && _claim is null)
                        {
                            if (s[1] == "41") sawSubmitter = true;
                            if (s[1] == "40") sawReceiver = true;
                        }
                        Nm1(s, i);
                        break;
                    case "CUR":
                        if (_level != Level.Provider || _claim is not null) Error(s, i, null, "a CUR belongs in the billing provider loop (2000A)");
                        else if (s[1] != "85") Error(s, i, "CUR01", $"the entity \"{s[1]}\" must be 85 (billing provider)");
                        else if (s[2].Length != 3 || !s[2].All(char.IsAsciiLetterUpper)) Error(s, i, "CUR02", $"\"{s[2]}\" is not an ISO 4217 currency code");
                        else _currency = s[2];
                        break;
                    case "N3":
                        if (_claim is null && _level == Level.Provider && _entity == "85")
                            _address = s[2].Length > 0 ? $"{s[1]} {s[2]}" : s[1];
                        break;
                    case "N4":
                        if (_claim is null && _level == Level.Provider && _entity == "85") N4(s, i);
                        break;
                    case "REF":
                        Ref(s, i);
                        break;
                    case "DMG":
                        if (_claim is null && ((_level == Level.Subscriber && _entity == "IL") || (_level == Level.Patient && _entity == "QC"))) Dmg(s, i);
                        break;
                    case "SBR":
                        if (_claim is not null) _entity = "2320"; // the other payers' loop: none of its segments is ours
                        else if (_level != Level.Subscriber) Error(s, i, null, "an SBR belongs in the subscriber loop (2000B)");
                        else if (s[1] is not ("P" or "S" or "T" or "A" or "B" or "C" or "D" or "E" or "F" or "G" or "H" or "U"))
                            Error(s, i, "SBR01", $"\"{s[1]}\" is not a payer responsibility code");
                        break;
                    case "CLM":
                        FinishClaim();
                        Clm(s, i);
                        break;
                    case "DTP":
                        Dtp(s, i);
                        break;
                    case "HI":
                        if (_claim is null || _line is not null || _entity is not null) Error(s, i, null, "an HI belongs in the claim loop (2300), before its lines");
                        else Hi(s, i);
                        break;
                    case "LX":
                        Lx(s, i);
                        break;
                    case "SV1":
                    case "SV2":
                        Service(s, i);
                        break;
                }
            }
            FinishClaim();
            var st = segments[0];
            if (!sawBht) Error(st, 0, null, "the transaction set has no BHT beginning segment");
            if (!sawSubmitter) Error(st, 0, null, "the transaction set has no submitter (1000A NM1*41)");
            if (!sawReceiver) Error(st, 0, null, "the transaction set has no receiver (1000B NM1*40)");
            if (_providerHl is null) Error(st, 0, null, "the transaction set has no billing provider (HL with HL03 20)");
        }

        private void Error(X12Segment s, int index, string? element, string message)
        {
            errors.Add(new X12Error(s.Id, index + 1, element, message, set.ControlNumber));
            if (_claim is not null) _claimBad = true;
            else if (_level == Level.Provider) _providerBad = true;
            else if (_level is Level.Subscriber or Level.Patient) _subscriberBad = true;
            else _headerBad = true;
        }

        private void Hl(X12Segment s, int i)
        {
            _entity = null;
            switch (s[3])
            {
                case "20":
                    _level = Level.Provider;
                    _providerBad = false;
                    _providerHl = s[1];
                    _providerHlSegment = s;
                    _billerChecked = false;
                    _subscriberHl = null;
                    _billerName = _npi = _taxId = _address = _city = _state = _postalCode = _country = null;
                    _currency = "USD";
                    if (s[2].Length > 0) Error(s, i, "HL02", "a billing provider (HL03 20) has no parent");
                    break;
                case "22":
                    CheckProvider();
                    _level = Level.Subscriber;
                    _subscriberBad = false;
                    _subscriberHl = s[1];
                    _subscriberHlSegment = s;
                    _memberId = null;
                    _subscriber = _patient = null;
                    _sawPayer = false;
                    if (_providerHl is null || s[2] != _providerHl) Error(s, i, "HL02", $"the subscriber's parent \"{s[2]}\" is not the billing provider HL \"{_providerHl}\"");
                    break;
                case "23":
                    _level = Level.Patient;
                    _patient = null;
                    if (_subscriberHl is null || s[2] != _subscriberHl) Error(s, i, "HL02", $"the patient's parent \"{s[2]}\" is not the subscriber HL \"{_subscriberHl}\"");
                    break;
                default:
                    Error(s, i, "HL03", $"the hierarchical level \"{s[3]}\" is none of 20 (billing provider), 22 (subscriber), 23 (patient)");
                    break;
            }
            if (!X12Reader.IsDigits(s[1], 1, 12)) Error(s, i, "HL01", $"the hierarchical id \"{s[1]}\" is not a number");
        }

        private void CheckProvider()
        {
            // Once per billing provider, when its first subscriber starts: by then its NM1*85 should have come.
            if (_providerHlSegment is null || _billerChecked) return;
            _billerChecked = true;
            if (_billerName is null) Error(_providerHlSegment, IndexOf(_providerHlSegment), null, "the billing provider loop has no NM1*85 naming the billing provider");
        }

        private void Nm1(X12Segment s, int i)
        {
            _entity = s[1];
            if (_claim is not null) return; // 2310/2320/2330/2420 loops: other providers and payers, not ours to read
            switch (_level, s[1])
            {
                case (Level.Provider, "85"):
                    _billerName = s[2] == "1" && s[4].Length > 0 ? $"{s[3]} {s[4]}" : s[3];
                    if (s[3].Length == 0) Error(s, i, "NM103", "the billing provider's name is missing");
                    if (s[8] != "XX") Error(s, i, "NM108", $"the billing provider's id qualifier is \"{s[8]}\"; it must be XX (NPI)");
                    else if (!IsNpi(s[9])) Error(s, i, "NM109", $"\"{s[9]}\" is not a valid NPI (10 digits with a correct check digit)");
                    else _npi = s[9];
                    break;
                case (Level.Subscriber, "IL"):
                    if (s[3].Length == 0) Error(s, i, "NM103", "the subscriber's family name is missing");
                    if (s[8] is not ("MI" or "II")) Error(s, i, "NM108", $"the subscriber's id qualifier is \"{s[8]}\"; it must be MI (member id)");
                    if (s[9].Length == 0) Error(s, i, "NM109", "the subscriber's member id (the policy number) is missing");
                    _memberId = s[9];
                    _subscriber = (s[3], s[4], null, null);
                    break;
                case (Level.Subscriber, "PR"):
                    _sawPayer = true;
                    if (s[3].Length == 0) Error(s, i, "NM103", "the payer's name is missing");
                    break;
                case (Level.Patient, "QC"):
                    if (s[3].Length == 0) Error(s, i, "NM103", "the patient's family name is missing");
                    _patient = (s[3], s[4], null, null);
                    break;
            }
        }

        private void N4(X12Segment s, int i)
        {
            _city = s[1];
            _state = NullIfEmpty(s[2]);
            _postalCode = NullIfEmpty(s[3]);
            _country = NullIfEmpty(s[4]);
            if (_city.Length == 0) Error(s, i, "N401", "the billing provider's city is missing");
            if (_country is not null && (_country.Length != 2 || !_country.All(char.IsAsciiLetterUpper)))
                Error(s, i, "N404", $"\"{_country}\" is not an ISO 3166 country code");
        }

        private void Dmg(X12Segment s, int i)
        {
            DateOnly? born = null;
            if (s[1] != "D8") Error(s, i, "DMG01", $"the date format \"{s[1]}\" must be D8");
            else if (!TryDate(s[2], out var d)) Error(s, i, "DMG02", $"the date of birth \"{s[2]}\" is not a date (CCYYMMDD)");
            else born = d;
            var sex = NullIfEmpty(s[3]);
            if (sex is not (null or "F" or "M" or "U")) Error(s, i, "DMG03", $"the sex \"{sex}\" must be F, M or U");
            if (_level == Level.Subscriber && _subscriber is { } sub) _subscriber = sub with { Born = born, Sex = sex };
            if (_level == Level.Patient && _patient is { } pat) _patient = pat with { Born = born, Sex = sex };
        }

        private void Ref(X12Segment s, int i)
        {
            if (_claim is null)
            {
                if (_level == Level.Provider && _entity == "85" && s[1] is "EI" or "SY") _taxId = s[2];
                return;
            }
            if (_line is not null || _entity is not null) return;
            switch (s[1])
            {
                case "G1":
                    if (s[2].Length == 0) Error(s, i, "REF02", "the prior authorization (GOP) number is missing");
                    _claim.Guarantee = s[2];
                    break;
                case "9F":
                    if (s[2].Length == 0) Error(s, i, "REF02", "the referral (case) number is missing");
                    _claim.CaseNumber = s[2];
                    break;
            }
        }

        private void Clm(X12Segment s, int i)
        {
            _entity = null;
            _line = null;
            _claimBad = false;
            if (_level is not (Level.Subscriber or Level.Patient))
            {
                Error(s, i, null, "a CLM belongs under a subscriber (HL 22) or patient (HL 23)");
                return;
            }
            _claim = new Claim(s, i) { Number = s[1] };
            if (s[1].Length == 0) Error(s, i, "CLM01", "the claim's number (patient control number) is missing");
            else if (s[1].Length > 38) Error(s, i, "CLM01", $"the claim's number \"{s[1]}\" is longer than 38 characters");
            if (TryAmount(s[2], out var total)) _claim.Total = total;
            else Error(s, i, "CLM02", $"the claim's total charge \"{s[2]}\" is not a number");

            var facility = s.Component(5, 1);
            var qualifier = s.Component(5, 2);
            var frequency = s.Component(5, 3);
            var expected = institutional ? "A" : "B";
            if (!X12Reader.IsDigits(facility, 2, 2))
                Error(s, i, "CLM05-1", institutional ? $"the facility type code \"{facility}\" must be 2 digits" : $"the place of service \"{facility}\" must be 2 digits");
            if (qualifier != expected) Error(s, i, "CLM05-2", $"the code qualifier \"{qualifier}\" must be {expected}");
            if (!X12Reader.IsDigits(frequency, 1, 1)) Error(s, i, "CLM05-3", $"the claim frequency \"{frequency}\" must be 1 digit");
            _claim.FacilityCode = institutional ? $"0{facility}{frequency}" : facility;
        }

        private void Dtp(X12Segment s, int i)
        {
            if (_line is not null)
            {
                if (s[1] != "472" || _entity is not null) return;
                if (ReadDates(s, i, ["D8", "RD8"]) is { } d) (_line.From, _line.To) = d;
                return;
            }
            if (_claim is null || _entity is not null) return;
            switch (s[1])
            {
                case "434":
                    if (ReadDates(s, i, ["RD8"]) is { } statement) (_claim.StatementFrom, _claim.StatementTo) = statement;
                    break;
                case "435":
                    if (ReadDates(s, i, ["D8", "DT"]) is { } admission) _claim.Admission = admission.From;
                    break;
            }
        }

        private (DateOnly From, DateOnly To)? ReadDates(X12Segment s, int i, string[] formats)
        {
            var format = s[2];
            if (!formats.Contains(format))
            {
                Error(s, i, "DTP02", $"the date format \"{format}\" must be {string.Join(" or ", formats)}");
                return null;
            }
            var value = s[3];
            if (format == "RD8")
            {
                var dash = value.IndexOf('-');
                if (dash > 0 && TryDate(value[..dash], out var from) && TryDate(value[(dash + 1)..], out var to))
                {
                    if (to >= from) return (from, to);
                    Error(s, i, "DTP03", $"the period \"{value}\" ends before it starts");
                    return null;
                }
                Error(s, i, "DTP03", $"\"{value}\" is not a period (CCYYMMDD-CCYYMMDD)");
                return null;
            }
            // DT (date and time, admissions) carries the date in its first 8 characters.
            var date = format == "DT" && value.Length == 12 ? value[..8] : value;
            if (TryDate(date, out var day)) return (day, day);
            Error(s, i, "DTP03", $"\"{value}\" is not a date (CCYYMMDD)");
            return null;
        }

        private void Hi(X12Segment s, int i)
        {
            var claim = _claim!;
            claim.SawHi = true;
            for (var n = 1; n <= s.Count; n++)
            {
                if (s[n].Length == 0) continue;
                var qualifier = s.Component(n, 1);
                var code = s.Component(n, 2);
                var name = $"HI{n:00}";
                if (Icd9Qualifiers.Contains(qualifier))
                {
                    Error(s, i, $"{name}-1", $"the code list qualifier \"{qualifier}\" is ICD-9-CM, which is no longer accepted: send ICD-10-CM codes (ABK principal, ABF other)");
                    continue;
                }
                if (qualifier is not ("ABK" or "ABF"))
                {
                    if (!OtherHiQualifiers.Contains(qualifier)) Error(s, i, $"{name}-1", $"\"{qualifier}\" is not a code list qualifier of an {(institutional ? "837I" : "837P")} HI");
                    continue;
                }
                if (code.Contains('.')) Error(s, i, $"{name}-2", $"the diagnosis \"{code}\" must be sent without its decimal point");
                else if (!Icd10.IsMatch(code)) Error(s, i, $"{name}-2", $"\"{code}\" is not an ICD-10-CM code");
                else if (qualifier == "ABK")
                {
                    if (claim.Principal is not null) Error(s, i, $"{name}-1", "the claim has a second principal diagnosis (ABK)");
                    else claim.Principal = code;
                }
                else claim.Diagnoses.Add(code);
            }
        }

        private void Lx(X12Segment s, int i)
        {
            _entity = null;
            if (_claim is null)
            {
                _line = null;
                Error(s, i, null, "an LX (service line) outside a claim");
                return;
            }
            _line = new Line(s, i);
            _claim.Lines.Add(_line);
            if (s[1] != _claim.Lines.Count.ToString(CultureInfo.InvariantCulture))
                Error(s, i, "LX01", $"the line number \"{s[1]}\" should be {_claim.Lines.Count} (lines are numbered from 1 in order)");
        }

        private void Service(X12Segment s, int i)
        {
            var expected = institutional ? "SV2" : "SV1";
            if (s.Id != expected)
            {
                Error(s, i, null, $"an {(institutional ? "837I" : "837P")} line is described by {expected}, not {s.Id}");
                return;
            }
            if (_line is null || _entity is not null)
            {
                Error(s, i, null, $"an {s.Id} belongs right after an LX");
                return;
            }
            if (_line.SawService)
            {
                Error(s, i, null, $"the line has a second {s.Id}");
                return;
            }
            _line.SawService = true;
            _line.PointerIndex = i;
            if (institutional) Sv2(s, i, _line);
            else Sv1(s, i, _line);
        }

        private void Sv1(X12Segment s, int i, Line line)
        {
            Procedure(s, i, 1, line, required: true);
            line.Description = NullIfEmpty(s.Component(1, 7));
            Charge(s, i, 2, line);
            if (s[3] != "UN") Error(s, i, "SV103", $"the unit of measure \"{s[3]}\" must be UN (units)");
            Units(s, i, 4, line);
            var pointers = s.Components(7);
            if (s[7].Length == 0) Error(s, i, "SV107-1", "the line points at no diagnosis");
            else
            {
                for (var c = 0; c < pointers.Length && c < 4; c++)
                {
                    if (int.TryParse(pointers[c], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 12) line.Pointers.Add(p);
                    else Error(s, i, $"SV107-{c + 1}", $"the diagnosis pointer \"{pointers[c]}\" must be a number from 1 to 12");
                }
                if (pointers.Length > 4) Error(s, i, "SV107-5", "a line points at 4 diagnoses at most");
            }
        }

        private void Sv2(X12Segment s, int i, Line line)
        {
            if (!X12Reader.IsDigits(s[1], 4, 4)) Error(s, i, "SV201", $"the revenue code \"{s[1]}\" must be 4 digits");
            line.Revenue = s[1];
            if (s[2].Length > 0) Procedure(s, i, 2, line, required: false);
            else
            {
                line.Code = s[1];
                line.CodeSystem = RevenueCodeSystem;
            }
            Charge(s, i, 3, line);
            if (s[4] is not ("UN" or "DA")) Error(s, i, "SV204", $"the unit of measure \"{s[4]}\" must be UN (units) or DA (days)");
            Units(s, i, 5, line);
        }

        private void Procedure(X12Segment s, int i, int n, Line line, bool required)
        {
            var name = $"{s.Id}{n:00}";
            var qualifier = s.Component(n, 1);
            var code = s.Component(n, 2);
            if (qualifier != "HC")
            {
                Error(s, i, $"{name}-1", $"the procedure code qualifier \"{qualifier}\" must be HC (CPT or HCPCS)");
                return;
            }
            if (!ProcedureCode.IsMatch(code))
            {
                Error(s, i, $"{name}-2", required || code.Length > 0 ? $"\"{code}\" is not a CPT or HCPCS code (5 letters or digits)" : "the procedure code is missing");
                return;
            }
            line.Code = code;
            line.CodeSystem = code.All(char.IsAsciiDigit) ? CodeSystems.Cpt : CodeSystems.Hcpcs;
        }

        private void Charge(X12Segment s, int i, int n, Line line)
        {
            if (!TryAmount(s[n], out var amount)) Error(s, i, $"{s.Id}{n:00}", $"the line's charge \"{s[n]}\" is not a number");
            else if (amount < 0) Error(s, i, $"{s.Id}{n:00}", $"the line's charge \"{s[n]}\" is negative");
            else
            {
                line.Amount = amount;
                line.ChargeRead = true;
            }
        }

        private void Units(X12Segment s, int i, int n, Line line)
        {
            if (!TryAmount(s[n], out var units)) Error(s, i, $"{s.Id}{n:00}", $"the line's quantity \"{s[n]}\" is not a number");
            else if (units <= 0) Error(s, i, $"{s.Id}{n:00}", $"the line's quantity \"{s[n]}\" must be more than 0");
            else line.Units = units;
        }

        private void FinishClaim()
        {
            var claim = _claim;
            if (claim is null) return;
            _claim = null;
            _line = null;
            _entity = null;
            var clm = claim.Segment;

            // Errors found here belong to the claim being finished.
            void ClaimError(X12Segment s, int index, string? element, string message)
            {
                errors.Add(new X12Error(s.Id, index + 1, element, message, set.ControlNumber));
                _claimBad = true;
            }

            var diagnoses = new List<string>();
            if (claim.Principal is not null) diagnoses.Add(claim.Principal);
            else if (claim.SawHi) ClaimError(clm, claim.Index, null, "the claim has no principal diagnosis (HI ABK)");
            diagnoses.AddRange(claim.Diagnoses);
            if (!claim.SawHi) ClaimError(clm, claim.Index, null, "the claim has no diagnosis (HI)");
            if (institutional && claim.StatementFrom is null) ClaimError(clm, claim.Index, null, "an institutional claim needs its statement period (DTP*434)");
            if (claim.Lines.Count == 0) ClaimError(clm, claim.Index, null, "the claim has no service lines (LX)");
            if (_subscriber is null) ClaimError(clm, claim.Index, null, "the subscriber loop has no NM1*IL naming the subscriber");
            if (_level == Level.Patient && _patient is null) ClaimError(clm, claim.Index, null, "the patient loop has no NM1*QC naming the patient");
            if (!_sawPayer) ClaimError(clm, claim.Index, null, "the subscriber loop has no NM1*PR naming the payer");

            var lines = new List<InvoiceLine>();
            foreach (var line in claim.Lines)
            {
                if (!line.SawService)
                {
                    ClaimError(line.Segment, line.Index, null, $"the line has no {(institutional ? "SV2" : "SV1")}");
                    continue;
                }
                foreach (var p in line.Pointers.Where(p => diagnoses.Count > 0 && p > diagnoses.Count).Distinct())
                    ClaimError(set.Segments[line.PointerIndex], line.PointerIndex, $"SV107-{line.Pointers.IndexOf(p) + 1}",
                        $"the diagnosis pointer {p} points past the claim's {diagnoses.Count} diagnoses");
                var date = line.From ?? claim.StatementFrom ?? claim.Admission;
                if (date is null)
                {
                    ClaimError(line.Segment, line.Index, null, "the line has no service date (DTP*472) and the claim has no statement or admission date to fall back on");
                    continue;
                }
                var unitPrice = line.Units > 0 ? Math.Round(line.Amount / line.Units, 2, MidpointRounding.AwayFromZero) : 0m;
                lines.Add(new InvoiceLine(lines.Count + 1, line.Code, line.CodeSystem, line.Revenue, line.Description, date.Value,
                    line.Units, unitPrice, line.Amount, line.Pointers, DefaultBenefit));
            }
            // A line whose charge could not be read is already an error; its claim's total is not compared as well.
            var sum = claim.Lines.Sum(l => l.Amount);
            if (claim.Total is { } total && claim.Lines.All(l => l.ChargeRead) && total != sum)
                ClaimError(clm, claim.Index, "CLM02", $"the claim's total charge {Format(total)} is not the sum of its lines' charges {Format(sum)}");

            if (_claimBad || _providerBad || _subscriberBad || _headerBad) return;

            var dates = claim.Lines.SelectMany(l => new[] { l.From, l.To })
                .Concat([claim.StatementFrom, claim.StatementTo])
                .Concat(lines.Select(l => (DateOnly?)l.ServiceDate))
                .OfType<DateOnly>().ToList();
            var person = _patient ?? _subscriber!.Value;
            var biller = new Party(_billerName!, null, _npi, string.IsNullOrEmpty(_taxId) ? null : _taxId, _address, _city, _state, _postalCode, _country ?? "US");
            var patient = new Patient(person.Family, person.Given, person.Born, person.Sex, _memberId);
            invoices.Add(new Invoice(Guid.CreateVersion7(), tenantId, InvoiceKinds.Clinic,
                institutional ? ClaimForms.Institutional : ClaimForms.Professional,
                institutional ? "x12-837i" : "x12-837p",
                claim.Number, claim.CaseNumber, null, claim.Guarantee, biller, patient, dates.Min(), dates.Max(), _currency,
                diagnoses, lines, claim.FacilityCode, receivedAt));
        }

        private int IndexOf(X12Segment s)
        {
            for (var i = 0; i < set.Segments.Count; i++)
                if (ReferenceEquals(set.Segments[i], s)) return i;
            return 0;
        }
    }

    internal static bool TryAmount(string value, out decimal amount) =>
        decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount)
        && value.Length <= 18;

    internal static bool TryDate(string value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    internal static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>An NPI is 10 digits whose last is a Luhn check digit computed with the prefix 80840.</summary>
    internal static bool IsNpi(string npi)
    {
        if (!X12Reader.IsDigits(npi, 10, 10)) return false;
        var digits = "80840" + npi;
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
