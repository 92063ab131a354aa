using Parquet;
using Parquet.Schema;

namespace Pipelines.Bench;

/// <summary>
/// One split of the flights features, in the form both sides of the Trainer benchmark start from: a dense row-major float32
/// matrix (<see cref="Columns"/> values per row, in <see cref="FlightsFeatures.FeatureNames"/> order) and a 0/1 label per row.
/// A missing value is <see cref="float.NaN"/>.
/// </summary>
public sealed class FlightsSplit(string name, float[] features, float[] labels, long[] sourceRows)
{
    public string Name { get; } = name;

    /// <summary>rows × <see cref="Columns"/>, row-major.</summary>
    public float[] Features { get; } = features;

    /// <summary>1 when the flight's delay was &gt; 15 minutes, else 0.</summary>
    public float[] Labels { get; } = labels;

    /// <summary>Each row's index in the Parquet file (before rows without a delay were dropped).</summary>
    public long[] SourceRows { get; } = sourceRows;

    public int Rows => Labels.Length;

    public int Columns => FlightsFeatures.FeatureNames.Count;

    /// <summary>Row <paramref name="row"/>'s values.</summary>
    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * Columns, Columns);

    /// <summary>Column <paramref name="column"/> copied out (for a columnar consumer such as an ML.NET <c>IDataView</c>).</summary>
    public float[] Column(int column)
    {
        var values = new float[Rows];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Features[(i * Columns) + column];
        }

        return values;
    }
}

/// <summary>
/// The flights features of issue 3, built straight from <c>flights-3m.parquet</c> with Parquet.Net (no pipeline component), so
/// the native baseline does not depend on ExampleGen/Transform:
/// <list type="bullet">
/// <item>hour (0–23), weekday (0 = Sunday … 6, .NET <see cref="DayOfWeek"/>), month (1–12), day of month (1–31) — from <c>date</c>
/// read as UTC (a <see cref="DateTimeKind.Local"/> value is converted; Unspecified is taken as UTC); missing date → NaN;</item>
/// <item>distance (miles) as float; missing → NaN;</item>
/// <item>origin and destination as integer category codes: the distinct codes of the column sorted ordinally, numbered 0, 1, …
/// (a dictionary encoding); missing → NaN. LightGBM treats columns 5 and 6 as categorical (<c>categorical_feature=5,6</c>).</item>
/// </list>
/// Label: <c>delay &gt; 15</c> (minutes). Rows whose delay is missing are dropped (they have no label).
/// Split: a row goes to eval when <c>SplitMix64(row index in the file) % 3 == 2</c>, else to train (≈ 2 : 1). This is a fixed,
/// order-independent hash of the row index; it is not ExampleGen's rule (the benchmark does not need the same rows as the
/// pipeline, only the same rows on both sides).
/// </summary>
public sealed class FlightsFeatures
{
    public static readonly IReadOnlyList<string> FeatureNames = ["hour", "weekday", "month", "day", "distance", "origin", "destination"];

    /// <summary>Indices of <see cref="FeatureNames"/> that are categorical: origin, destination.</summary>
    public static readonly IReadOnlyList<int> CategoricalFeatures = [5, 6];

    private FlightsFeatures(FlightsSplit train, FlightsSplit eval, long fileRows, long droppedRows, string[] origins, string[] destinations)
    {
        Train = train;
        Eval = eval;
        FileRows = fileRows;
        DroppedRows = droppedRows;
        Origins = origins;
        Destinations = destinations;
    }

    public FlightsSplit Train { get; }

    public FlightsSplit Eval { get; }

    public long FileRows { get; }

    /// <summary>Rows dropped because their delay is missing.</summary>
    public long DroppedRows { get; }

    /// <summary>Origin code → airport (code i is <c>Origins[i]</c>).</summary>
    public IReadOnlyList<string> Origins { get; }

    /// <summary>Destination code → airport.</summary>
    public IReadOnlyList<string> Destinations { get; }

    /// <summary>Whether the file row <paramref name="row"/> belongs to the eval split (see the class summary).</summary>
    public static bool IsEval(long row) => SplitMix64((ulong)row) % 3 == 2;

    public static async Task<FlightsFeatures> LoadAsync(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        await using (stream)
        {
            await using var reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true);
            var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
            var total = checked((int)reader.RowGroups.Sum(g => g.RowCount));
            var dates = new DateTime?[total];
            var delays = new long?[total];
            var distances = new long?[total];
            var origins = new ReadOnlyMemory<char>?[total];
            var destinations = new ReadOnlyMemory<char>?[total];
            var offset = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var count = (int)group.RowCount;
                await group.ReadAsync(Field(fields, "date", typeof(DateTime)), dates.AsMemory(offset, count), null, default);
                await group.ReadAsync(Field(fields, "delay", typeof(long)), delays.AsMemory(offset, count), null, default);
                await group.ReadAsync(Field(fields, "distance", typeof(long)), distances.AsMemory(offset, count), null, default);
                await group.ReadAsync(Field(fields, "origin", typeof(string)), origins.AsMemory(offset, count), null, default);
                await group.ReadAsync(Field(fields, "destination", typeof(string)), destinations.AsMemory(offset, count), null, default);
                offset += count;
            }

            var (originCodes, originNames) = Encode(origins);
            var (destinationCodes, destinationNames) = Encode(destinations);

            var evalCount = 0;
            var trainCount = 0;
            for (var row = 0; row < total; row++)
            {
                if (delays[row] is not null)
                {
                    _ = IsEval(row) ? evalCount++ : trainCount++;
                }
            }

            var columns = FeatureNames.Count;
            var train = (Features: new float[trainCount * columns], Labels: new float[trainCount], Rows: new long[trainCount], Next: 0);
            var eval = (Features: new float[evalCount * columns], Labels: new float[evalCount], Rows: new long[evalCount], Next: 0);
            for (var row = 0; row < total; row++)
            {
                if (delays[row] is not { } delay)
                {
                    continue;
                }

                ref var split = ref IsEval(row) ? ref eval : ref train;
                var at = split.Next++;
                var values = split.Features.AsSpan(at * columns, columns);
                if (dates[row] is { } date)
                {
                    var utc = date.Kind == DateTimeKind.Local ? date.ToUniversalTime() : date;
                    values[0] = utc.Hour;
                    values[1] = (float)utc.DayOfWeek;
                    values[2] = utc.Month;
                    values[3] = utc.Day;
                }
                else
                {
                    values[..4].Fill(float.NaN);
                }

                values[4] = distances[row] is { } miles ? miles : float.NaN;
                values[5] = originCodes[row] is >= 0 and var o ? o : float.NaN;
                values[6] = destinationCodes[row] is >= 0 and var d ? d : float.NaN;
                split.Labels[at] = delay > 15 ? 1 : 0;
                split.Rows[at] = row;
            }

            return new FlightsFeatures(
                new FlightsSplit("train", train.Features, train.Labels, train.Rows),
                new FlightsSplit("eval", eval.Features, eval.Labels, eval.Rows),
                total, total - trainCount - evalCount, originNames, destinationNames);
        }
    }

    private static DataField Field(Dictionary<string, DataField> fields, string name, Type type) =>
        fields.TryGetValue(name, out var field) && (field.ClrType == type || (type == typeof(string) && field.ClrType == typeof(ReadOnlyMemory<char>)))
            ? field
            : throw new InvalidDataException($"flights file: expected a column '{name}' of {type.Name}" +
                (field is null ? ", it is missing." : $", it is {field.ClrType.Name}."));

    /// <summary>Dictionary-encodes a string column: codes by ordinal order of the distinct values; −1 for a missing value.</summary>
    private static (int[] Codes, string[] Names) Encode(ReadOnlyMemory<char>?[] values)
    {
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = firstSeen.GetAlternateLookup<ReadOnlySpan<char>>();
        var codes = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } value)
            {
                codes[i] = -1;
                continue;
            }

            if (!lookup.TryGetValue(value.Span, out var code))
            {
                code = firstSeen.Count;
                lookup[value.Span] = code;
            }

            codes[i] = code;
        }

        var names = firstSeen.Keys.Order(StringComparer.Ordinal).ToArray();
        var remap = new int[names.Length];
        for (var sorted = 0; sorted < names.Length; sorted++)
        {
            remap[firstSeen[names[sorted]]] = sorted;
        }

        for (var i = 0; i < codes.Length; i++)
        {
            if (codes[i] >= 0)
            {
                codes[i] = remap[codes[i]];
            }
        }

        return (codes, names);
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
