package io.agenthub.agents;

/** An agent and one of its models: where a chat turn goes. */
public record Target(Agent agent, Model model) {
}
