using System.Runtime.InteropServices;
using System.Text;

namespace Pipelines.Components;

/// <summary>
/// The parts of LightGBM's C API (<c>c_api.h</c>, 4.x) the Trainer's native engine uses, on the <c>lib_lightgbm</c> of the
/// LightGBM package: the very library ML.NET's LightGBM trainer calls, without ML.NET's per-row data loading in between.
/// Every non-zero return code becomes a <see cref="LightGbmException"/> with <c>LGBM_GetLastError</c>'s text.
/// </summary>
internal static partial class LightGbmNative
{
    private const string Library = "lib_lightgbm";
    private const int Float32 = 0;
    private const int Int32 = 2;
    private const int RowMajor = 1;

    /// <summary><c>C_API_PREDICT_NORMAL</c>: probabilities for classification, the value for regression.</summary>
    public const int PredictNormal = 0;

    /// <summary><c>C_API_PREDICT_RAW_SCORE</c>: the raw margin (before the sigmoid/softmax).</summary>
    public const int PredictRawScore = 1;

    [LibraryImport(Library, EntryPoint = "LGBM_GetLastError")]
    private static partial nint GetLastError();

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetCreateFromMat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int DatasetCreateFromMat(float* data, int dataType, int rows, int columns, int isRowMajor, string parameters,
        nint reference, out nint dataset);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetSetField", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int DatasetSetField(nint dataset, string field, void* data, int count, int type);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetSetFeatureNames")]
    private static unsafe partial int DatasetSetFeatureNames(nint dataset, nint* names, int count);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetFree")]
    private static partial int DatasetFree(nint dataset);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterCreate", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int BoosterCreate(nint train, string parameters, out nint booster);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterAddValidData")]
    private static partial int BoosterAddValidData(nint booster, nint valid);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterUpdateOneIter")]
    private static partial int BoosterUpdateOneIter(nint booster, out int finished);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterGetCurrentIteration")]
    private static partial int BoosterGetCurrentIteration(nint booster, out int iteration);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterGetEvalCounts")]
    private static partial int BoosterGetEvalCounts(nint booster, out int count);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterGetEval")]
    private static unsafe partial int BoosterGetEval(nint booster, int dataIndex, out int length, double* results);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterSaveModelToString")]
    private static unsafe partial int BoosterSaveModelToString(nint booster, int startIteration, int iterations, int importanceType,
        long bufferLength, out long length, byte* buffer);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterPredictForMat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int BoosterPredictForMat(nint booster, float* data, int dataType, int rows, int columns, int isRowMajor,
        int predictType, int startIteration, int iterations, string parameters, out long length, double* results);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterFree")]
    private static partial int BoosterFree(nint booster);

    private static void Check(int code, string function)
    {
        if (code != 0)
        {
            throw new LightGbmException($"LightGBM {function} failed: {Marshal.PtrToStringUTF8(GetLastError()) ?? "(no message)"}");
        }
    }

    /// <summary>A LightGBM dataset: the binned copy of a dense row-major float32 matrix, plus its label (and query groups).</summary>
    public sealed class Dataset : IDisposable
    {
        private nint _handle;

        private Dataset(nint handle) => _handle = handle;

        internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Dataset));

        /// <param name="values">rows × columns, row-major.</param>
        /// <param name="columns">The columns per row.</param>
        /// <param name="labels">One per row.</param>
        /// <param name="groupSizes">Ranking: the sizes of consecutive query groups; null otherwise.</param>
        /// <param name="parameters">LightGBM's dataset parameters (<c>max_bin=255 categorical_feature=5,6 ...</c>).</param>
        /// <param name="reference">The training dataset whose bins a validation set must share; null for a training set.</param>
        public static unsafe Dataset Create(ReadOnlySpan<float> values, int columns, ReadOnlySpan<float> labels, ReadOnlySpan<int> groupSizes,
            string parameters, Dataset? reference)
        {
            nint handle;
            fixed (float* data = values)
            {
                Check(DatasetCreateFromMat(data, Float32, labels.Length, columns, RowMajor, parameters, reference?.Handle ?? 0, out handle),
                    "LGBM_DatasetCreateFromMat");
            }

            var dataset = new Dataset(handle);
            try
            {
                fixed (float* label = labels)
                {
                    Check(DatasetSetField(handle, "label", label, labels.Length, Float32), "LGBM_DatasetSetField(label)");
                }

                if (!groupSizes.IsEmpty)
                {
                    fixed (int* group = groupSizes)
                    {
                        Check(DatasetSetField(handle, "group", group, groupSizes.Length, Int32), "LGBM_DatasetSetField(group)");
                    }
                }
            }
            catch
            {
                dataset.Dispose();
                throw;
            }

            return dataset;
        }

        /// <summary>Names the columns (what the text model's <c>feature_names</c> line shows); one name per column, no spaces.</summary>
        public unsafe void SetFeatureNames(IReadOnlyList<string> names)
        {
            var pointers = new nint[names.Count];
            try
            {
                for (var i = 0; i < pointers.Length; i++)
                {
                    pointers[i] = Marshal.StringToCoTaskMemUTF8(names[i]);
                }

                fixed (nint* p = pointers)
                {
                    Check(DatasetSetFeatureNames(Handle, p, pointers.Length), "LGBM_DatasetSetFeatureNames");
                }
            }
            finally
            {
                foreach (var pointer in pointers)
                {
                    Marshal.FreeCoTaskMem(pointer);
                }
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            var handle = Interlocked.Exchange(ref _handle, 0);
            if (handle != 0)
            {
                Check(DatasetFree(handle), "LGBM_DatasetFree");
            }
        }
    }

    /// <summary>A LightGBM booster, trained one iteration at a time.</summary>
    public sealed class Booster : IDisposable
    {
        private nint _handle;

        /// <summary>Creates a booster on <paramref name="train"/> (the booster keeps using it: dispose the dataset after the booster).</summary>
        public Booster(Dataset train, string parameters)
        {
            Check(BoosterCreate(train.Handle, parameters, out var handle), "LGBM_BoosterCreate");
            _handle = handle;
        }

        private nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Booster));

        /// <summary>Adds a validation set (data index 1, 2, ...): its metrics are then computed after every iteration.</summary>
        public void AddValidData(Dataset valid) => Check(BoosterAddValidData(Handle, valid.Handle), "LGBM_BoosterAddValidData");

        /// <summary>One boosting iteration; true when no tree could be grown any more (the iteration added nothing).</summary>
        public bool UpdateOneIteration()
        {
            Check(BoosterUpdateOneIter(Handle, out var finished), "LGBM_BoosterUpdateOneIter");
            return finished != 0;
        }

        /// <summary>The iterations trained so far.</summary>
        public int CurrentIteration
        {
            get
            {
                Check(BoosterGetCurrentIteration(Handle, out var iteration), "LGBM_BoosterGetCurrentIteration");
                return iteration;
            }
        }

        /// <summary>The metrics (in the order of the <c>metric</c> parameter) on data set <paramref name="dataIndex"/> (0 = train).</summary>
        public unsafe double[] Evaluate(int dataIndex)
        {
            Check(BoosterGetEvalCounts(Handle, out var count), "LGBM_BoosterGetEvalCounts");
            var results = new double[count];
            int length;
            fixed (double* output = results)
            {
                Check(BoosterGetEval(Handle, dataIndex, out length, output), "LGBM_BoosterGetEval");
            }

            return length == count ? results : results[..length];
        }

        /// <summary>LightGBM's text model of the first <paramref name="iterations"/> iterations (-1 = all).</summary>
        public unsafe string SaveModelToString(int iterations)
        {
            long length;
            var buffer = new byte[1 << 20];
            fixed (byte* output = buffer)
            {
                Check(BoosterSaveModelToString(Handle, 0, iterations, 0, buffer.Length, out length, output), "LGBM_BoosterSaveModelToString");
            }

            if (length > buffer.Length)
            {
                buffer = new byte[length];
                fixed (byte* output = buffer)
                {
                    Check(BoosterSaveModelToString(Handle, 0, iterations, 0, buffer.Length, out length, output), "LGBM_BoosterSaveModelToString");
                }
            }

            // The length counts the terminating NUL.
            return Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, length - 1));
        }

        /// <summary>Predictions for a dense row-major float32 matrix: one value per row, or <c>outputsPerRow</c> for multiclass.</summary>
        public unsafe double[] Predict(ReadOnlySpan<float> values, int columns, int outputsPerRow, int predictType, int iterations)
        {
            var rows = values.Length / columns;
            var results = new double[(long)rows * outputsPerRow];
            long length;
            fixed (float* data = values)
            fixed (double* output = results)
            {
                Check(BoosterPredictForMat(Handle, data, Float32, rows, columns, RowMajor, predictType, 0, iterations, "", out length, output),
                    "LGBM_BoosterPredictForMat");
            }

            return length == results.Length
                ? results
                : throw new LightGbmException($"LightGBM predicted {length} values for {rows} rows × {outputsPerRow} outputs.");
        }

        /// <inheritdoc />
        public void Dispose()
        {
            var handle = Interlocked.Exchange(ref _handle, 0);
            if (handle != 0)
            {
                Check(BoosterFree(handle), "LGBM_BoosterFree");
            }
        }
    }
}
