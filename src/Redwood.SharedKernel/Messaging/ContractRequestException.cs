namespace Redwood.SharedKernel.Messaging;

/// <summary>Why a contract request crossing processes did not get an answer.</summary>
public enum ContractRequestFailure
{
    /// <summary>No process running the owning module answered in time.</summary>
    Timeout,

    /// <summary>The owning module's handler failed.</summary>
    HandlerFailed,
}

/// <summary>A contract request sent to another process that did not produce a reply.</summary>
public sealed class ContractRequestException(string requestType, string module, ContractRequestFailure failure, string message)
    : Exception(message)
{
    /// <summary>The request type name.</summary>
    public string RequestType { get; } = requestType;

    /// <summary>The module that owns the request.</summary>
    public string Module { get; } = module;

    /// <summary>What went wrong.</summary>
    public ContractRequestFailure Failure { get; } = failure;
}
