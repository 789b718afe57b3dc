#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension Cooldown {
    /// The cooldown that must stay in force when `new` arrives while `existing` is known.
    ///
    /// A known later reset is never shortened by a newer, shorter signal; an expired
    /// cooldown no longer counts.
    public static func merging(existing: Cooldown?, new: Cooldown, now: Date) -> Cooldown {
        guard let existing, existing.until > now, existing.until > new.until else { return new }
        return existing
    }
}
