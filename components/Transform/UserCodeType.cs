using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>
/// User code referenced by type (a preprocessing class, a training module): validation at definition time and the identity
/// that enters the cache fingerprint.
/// </summary>
internal static class UserCodeType
{
    /// <summary>
    /// The identity of <paramref name="type"/>: its full name, its assembly's name and the assembly's MVID (which a deterministic
    /// build derives from the source), e.g. <c>Penguin.PenguinPreprocessing, penguin 3f2a…</c>. Unlike
    /// <see cref="CacheKey.CodeIdentityOf"/> it never omits the MVID: user code may live in an assembly named <c>Pipelines.*</c>
    /// (a test project, a pipeline project), and editing it must re-run the node.
    /// </summary>
    public static string IdentityOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var assembly = type.Assembly;
        return $"{type.FullName}, {assembly.GetName().Name} {assembly.ManifestModule.ModuleVersionId:N}";
    }

    /// <summary>Checks that <paramref name="type"/> is a concrete class implementing <typeparamref name="TInterface"/> with a public
    /// parameterless constructor.</summary>
    /// <exception cref="ArgumentException">It is not; the message names the option, the type and what is wrong.</exception>
    public static void Validate<TInterface>(Type? type, string optionName, string example)
    {
        if (type is null)
        {
            throw new ArgumentException(
                $"{optionName} is not set. Set it to a class implementing {typeof(TInterface).Name}, e.g. {example}.", optionName);
        }

        var problem =
            !typeof(TInterface).IsAssignableFrom(type) ? $"does not implement {typeof(TInterface).FullName}"
            : type.IsAbstract || type.IsInterface ? "is abstract or an interface; give a concrete class"
            : type.ContainsGenericParameters ? "is an open generic type; close its type parameters"
            : type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is null ? "has no public parameterless constructor"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException($"{optionName} = typeof({type.FullName}) {problem}. It must be a class implementing {typeof(TInterface).Name} with a public parameterless constructor, e.g. {example}.", optionName);
        }
    }

    /// <summary>Creates an instance of a validated type; a throwing constructor becomes a <see cref="DataValidationException"/>
    /// naming the type (user code fails the node at once: a retry would not fix it).</summary>
    public static T Create<T>(Type type, string optionName)
    {
        try
        {
            return (T)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new DataValidationException($"{optionName}: the constructor of {type.FullName} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}", e.InnerException);
        }
    }
}

/// <summary>Writes a <see cref="Type"/> option as its <see cref="UserCodeType.IdentityOf">identity</see> (full name, assembly
/// and MVID), so that the options JSON, and with it the cache fingerprint, changes when the user's code changes.
/// Options are only ever serialized for the fingerprint, never read back.</summary>
internal sealed class UserCodeTypeJsonConverter : JsonConverter<Type>
{
    public override Type Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Options holding user code types are written to the cache fingerprint, never read back.");

    public override void Write(Utf8JsonWriter writer, Type value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(UserCodeType.IdentityOf(value));
    }
}
