using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace SegKit.Distributed;

/// <summary>
/// Whether a failed work item call says something about the cluster (a silo died or is unreachable, a gateway is busy,
/// a call went unanswered) rather than about the image: the first kind is retried, the second reported.
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or ClientNotAvailableException => true,
        TimeoutException or OperationCanceledException => true,
        OrleansException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(Is),
        _ => false,
    };
}
