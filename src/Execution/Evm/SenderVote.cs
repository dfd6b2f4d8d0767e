using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Boyer-Moore's majority vote over senders: after every sender is added, <see cref="Candidate"/> is the sender of
/// more than half of them if there is one (any sender otherwise, so it must be counted to be sure).
/// </summary>
internal struct SenderVote
{
    public Address Candidate;
    public int Votes;

    public void Add(in Address sender)
    {
        if (Votes == 0)
        {
            Candidate = sender;
            Votes = 1;
        }
        else
        {
            Votes += sender == Candidate ? 1 : -1;
        }
    }
}
