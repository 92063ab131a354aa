using System.Runtime.InteropServices;

namespace Pipelines.Bench;

/// <summary>
/// The bare baseline: LightGBM's C API (<c>include/LightGBM/c_api.h</c>, 4.x) called by P/Invoke on the <c>lib_lightgbm</c>
/// that ships in the LightGBM NuGet package (runtimes/linux-x64/native/lib_lightgbm.so). The package reference puts it in the
/// bench's deps.json as a native asset, so the host resolves <c>"lib_lightgbm"</c> from the NuGet cache (or from
/// <c>runtimes/linux-x64/native/</c> next to the dll after a publish). ML.NET's LightGBM trainer loads the same file, so both
/// sides of the benchmark run the same native code in the same process.
/// </summary>
internal static partial class NativeLightGbm
{
    private const string Library = "lib_lightgbm";

    public const int DtypeFloat32 = 0;
    public const int DtypeFloat64 = 1;
    public const int PredictNormal = 0;

    [LibraryImport(Library, EntryPoint = "LGBM_GetLastError")]
    private static partial nint GetLastError();

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetCreateFromMat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int DatasetCreateFromMat(void* data, int dataType, int nrow, int ncol, int isRowMajor,
        string parameters, nint reference, out nint dataset);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetSetField", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int DatasetSetField(nint dataset, string fieldName, void* fieldData, int numElement, int type);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetGetNumData")]
    private static partial int DatasetGetNumData(nint dataset, out int count);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetFree")]
    private static partial int DatasetFree(nint dataset);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterCreate", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int BoosterCreate(nint trainData, string parameters, out nint booster);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterAddValidData")]
    private static partial int BoosterAddValidData(nint booster, nint validData);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterUpdateOneIter")]
    private static partial int BoosterUpdateOneIter(nint booster, out int isFinished);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterPredictForMat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int BoosterPredictForMat(nint booster, void* data, int dataType, int nrow, int ncol, int isRowMajor,
        int predictType, int startIteration, int numIteration, string parameter, out long outLength, double* outResult);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterFree")]
    private static partial int BoosterFree(nint booster);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterPredictForMatSingleRowFastInit", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int BoosterPredictForMatSingleRowFastInit(nint booster, int predictType, int startIteration, int numIteration,
        int dataType, int ncol, string parameter, out nint fastConfig);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterPredictForMatSingleRowFast")]
    private static unsafe partial int BoosterPredictForMatSingleRowFast(nint fastConfig, void* data, out long outLength, double* outResult);

    [LibraryImport(Library, EntryPoint = "LGBM_FastConfigFree")]
    private static partial int FastConfigFree(nint fastConfig);

    /// <summary>Throws with <c>LGBM_GetLastError</c>'s text when a C API call returned non-zero.</summary>
    private static void Check(int code, string function)
    {
        if (code != 0)
        {
            var message = Marshal.PtrToStringUTF8(GetLastError()) ?? "(no message)";
            throw new InvalidOperationException($"{function} failed ({code}): {message}");
        }
    }

    /// <summary>A LightGBM dataset from a dense row-major float32 matrix plus its labels (<c>LGBM_DatasetCreateFromMat</c> + <c>SetField("label")</c>).</summary>
    public sealed class Dataset : IDisposable
    {
        private nint _handle;

        private Dataset(nint handle) => _handle = handle;

        public nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Dataset));

        /// <param name="features">rows × columns, row-major.</param>
        /// <param name="labels">one per row (0/1 for binary).</param>
        /// <param name="parameters">LightGBM's "key=value key=value" parameters (dataset ones: max_bin, bin_construct_sample_cnt, categorical_feature, ...).</param>
        /// <param name="reference">align bins with this training dataset (validation data); null for a training set.</param>
        public static unsafe Dataset FromMatrix(ReadOnlySpan<float> features, int columns, ReadOnlySpan<float> labels, string parameters, Dataset? reference = null)
        {
            var rows = labels.Length;
            if (features.Length != (long)rows * columns)
            {
                throw new ArgumentException($"{features.Length} feature values for {rows} rows × {columns} columns.", nameof(features));
            }

            nint handle;
            fixed (float* data = features)
            {
                Check(DatasetCreateFromMat(data, DtypeFloat32, rows, columns, 1, parameters, reference?.Handle ?? 0, out handle), "LGBM_DatasetCreateFromMat");
            }

            var dataset = new Dataset(handle);
            try
            {
                fixed (float* label = labels)
                {
                    Check(DatasetSetField(handle, "label", label, rows, DtypeFloat32), "LGBM_DatasetSetField(label)");
                }

                Check(DatasetGetNumData(handle, out var count), "LGBM_DatasetGetNumData");
                if (count != rows)
                {
                    throw new InvalidOperationException($"LightGBM dataset has {count} rows, expected {rows}.");
                }
            }
            catch
            {
                dataset.Dispose();
                throw;
            }

            return dataset;
        }

        public void Dispose()
        {
            if (_handle != 0)
            {
                Check(DatasetFree(_handle), "LGBM_DatasetFree");
                _handle = 0;
            }
        }
    }

    /// <summary>A LightGBM booster (<c>LGBM_BoosterCreate</c>), trained one iteration at a time.</summary>
    public sealed class Booster : IDisposable
    {
        private nint _handle;

        public Booster(Dataset train, string parameters)
        {
            Check(BoosterCreate(train.Handle, parameters, out var handle), "LGBM_BoosterCreate");
            _handle = handle;
        }

        private nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Booster));

        /// <summary>Adds a validation set: its metric is then computed every iteration (as a training log would).</summary>
        public void AddValidData(Dataset valid) => Check(BoosterAddValidData(Handle, valid.Handle), "LGBM_BoosterAddValidData");

        /// <summary>One boosting iteration; true when LightGBM cannot split any more (training finished early).</summary>
        public bool UpdateOneIteration()
        {
            Check(BoosterUpdateOneIter(Handle, out var finished), "LGBM_BoosterUpdateOneIter");
            return finished != 0;
        }

        /// <summary>Probabilities (<c>C_API_PREDICT_NORMAL</c>, all iterations) for a dense row-major float32 matrix.</summary>
        public unsafe double[] Predict(ReadOnlySpan<float> features, int columns, string parameters)
        {
            var rows = features.Length / columns;
            var result = new double[rows];
            long length;
            fixed (float* data = features)
            fixed (double* output = result)
            {
                Check(BoosterPredictForMat(Handle, data, DtypeFloat32, rows, columns, 1, PredictNormal, 0, -1, parameters, out length, output),
                    "LGBM_BoosterPredictForMat");
            }

            return length == rows ? result : throw new InvalidOperationException($"LightGBM returned {length} predictions for {rows} rows.");
        }

        /// <summary>LightGBM's fast single-row prediction (<c>LGBM_BoosterPredictForMatSingleRowFastInit</c>): parameters parsed once.</summary>
        public SingleRowPredictor SingleRow(int columns, string parameters) => new(Handle, columns, parameters);

        public void Dispose()
        {
            if (_handle != 0)
            {
                Check(BoosterFree(_handle), "LGBM_BoosterFree");
                _handle = 0;
            }
        }
    }

    /// <summary>
    /// <c>LGBM_BoosterPredictForMatSingleRowFast</c> over one float32 row: the C API's lowest-overhead path for one prediction
    /// (parameters and buffers set up once by <c>...FastInit</c>). Not thread-safe; free before the booster.
    /// </summary>
    public sealed class SingleRowPredictor : IDisposable
    {
        private readonly int _columns;
        private nint _handle;

        internal SingleRowPredictor(nint booster, int columns, string parameters)
        {
            _columns = columns;
            Check(BoosterPredictForMatSingleRowFastInit(booster, PredictNormal, 0, -1, DtypeFloat32, columns, parameters, out var handle),
                "LGBM_BoosterPredictForMatSingleRowFastInit");
            _handle = handle;
        }

        /// <summary>The probability for one row of <c>columns</c> float32 features.</summary>
        public unsafe double Predict(ReadOnlySpan<float> row)
        {
            if (row.Length != _columns)
            {
                throw new ArgumentException($"{row.Length} values for {_columns} columns.", nameof(row));
            }

            double result;
            int code;
            fixed (float* data = row)
            {
                code = BoosterPredictForMatSingleRowFast(_handle, data, out _, &result);
            }

            Check(code, "LGBM_BoosterPredictForMatSingleRowFast");
            return result;
        }

        public void Dispose()
        {
            if (_handle != 0)
            {
                Check(FastConfigFree(_handle), "LGBM_FastConfigFree");
                _handle = 0;
            }
        }
    }
}
