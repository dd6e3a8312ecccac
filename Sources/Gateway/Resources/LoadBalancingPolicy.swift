/// Envoy's cluster load-balancing policy.
public enum LoadBalancingPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    case roundRobin = "round_robin"
    case leastRequest = "least_request"
    case random
    case ringHash = "ring_hash"
    case maglev
}
