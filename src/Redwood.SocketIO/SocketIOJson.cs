using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Redwood.SocketIO;

/// <summary>
/// Default JSON settings for Socket.IO payloads: camelCase, case-insensitive reads, and integer converters
/// that accept integral floating-point literals such as <c>2.0</c> (clients that encode every number as a double).
/// </summary>
public static class SocketIOJson
{
    /// <summary>Shared, read-only serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Deserializes <paramref name="element"/> with <see cref="Options"/>.</summary>
    public static T? Deserialize<T>(JsonElement element) => element.Deserialize<T>(Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        AddIntegerConverters(options.Converters);
        options.MakeReadOnly();
        return options;
    }

    internal static void AddIntegerConverters(IList<JsonConverter> converters)
    {
        converters.Add(new LenientIntegerConverter<int>());
        converters.Add(new LenientIntegerConverter<long>());
        converters.Add(new LenientIntegerConverter<short>());
        converters.Add(new LenientIntegerConverter<byte>());
        converters.Add(new LenientIntegerConverter<sbyte>());
        converters.Add(new LenientIntegerConverter<uint>());
        converters.Add(new LenientIntegerConverter<ulong>());
        converters.Add(new LenientIntegerConverter<ushort>());
    }
}

/// <summary>Reads integers written as <c>2</c>, <c>2.0</c> or <c>2e0</c>; refuses fractional values such as <c>2.5</c>.</summary>
internal sealed class LenientIntegerConverter<T> : JsonConverter<T>
    where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"Expected a number for {typeof(T).Name}, got {reader.TokenType}.");
        }

        if (reader.TryGetInt64(out var whole))
        {
            return Convert(whole);
        }

        if (typeof(T) == typeof(ulong) && reader.TryGetUInt64(out var big))
        {
            return T.CreateTruncating(big);
        }

        if (reader.TryGetDecimal(out var value))
        {
            return Convert(value);
        }

        if (reader.TryGetDouble(out var number) && Math.Abs(number) < 1e28 && Math.Floor(number) == number)
        {
            return Convert((decimal)number);
        }

        throw new JsonException($"The number is not a valid {typeof(T).Name}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (typeof(T) == typeof(ulong))
        {
            writer.WriteNumberValue(ulong.CreateTruncating(value));
        }
        else
        {
            writer.WriteNumberValue(long.CreateTruncating(value));
        }
    }

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return Convert(value);
        }

        throw new JsonException($"The property name is not a valid {typeof(T).Name}.");
    }

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        => writer.WritePropertyName(value.ToString(null, CultureInfo.InvariantCulture));

    private static T Convert(long value)
    {
        if (value < long.CreateTruncating(T.MinValue) || (typeof(T) != typeof(ulong) && value > long.CreateTruncating(T.MaxValue)) || (typeof(T) == typeof(ulong) && value < 0))
        {
            throw new JsonException($"The number is out of range for {typeof(T).Name}.");
        }

        return T.CreateTruncating(value);
    }

    private static T Convert(decimal value)
    {
        if (decimal.Truncate(value) != value)
        {
            throw new JsonException($"The number {value.ToString(CultureInfo.InvariantCulture)} is not an integer.");
        }

        try
        {
            return T.CreateChecked(value);
        }
        catch (OverflowException ex)
        {
            throw new JsonException($"The number is out of range for {typeof(T).Name}.", ex);
        }
    }
}
