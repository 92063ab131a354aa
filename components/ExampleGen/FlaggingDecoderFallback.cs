using System.Text;

namespace Pipelines.Components;

/// <summary>Replaces bytes that are not valid in the encoding with U+FFFD, like the default fallback, but records that it
/// happened, so a reader can fail on the first record holding a replacement character (with its line) instead of storing
/// mojibake silently, and without paying for a check on valid files.</summary>
internal sealed class FlaggingDecoderFallback : DecoderFallback
{
    /// <summary>Whether any invalid bytes were replaced so far.</summary>
    public bool Triggered { get; private set; }

    /// <inheritdoc />
    public override int MaxCharCount => 1;

    /// <summary>UTF-8 (no BOM emitted) decoding through a new fallback.</summary>
    public static (Encoding Encoding, FlaggingDecoderFallback Fallback) Utf8()
    {
        var fallback = new FlaggingDecoderFallback();
        return (Encoding.GetEncoding(Encoding.UTF8.CodePage, EncoderFallback.ReplacementFallback, fallback), fallback);
    }

    /// <inheritdoc />
    public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

    private sealed class Buffer(FlaggingDecoderFallback owner) : DecoderFallbackBuffer
    {
        private bool _pending;

        public override int Remaining => _pending ? 1 : 0;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            owner.Triggered = true;
            _pending = true;
            return true;
        }

        public override char GetNextChar()
        {
            if (!_pending)
            {
                return '\0';
            }

            _pending = false;
            return '\uFFFD';
        }

        public override bool MovePrevious()
        {
            if (_pending)
            {
                return false;
            }

            _pending = true;
            return true;
        }

        public override void Reset() => _pending = false;
    }
}
