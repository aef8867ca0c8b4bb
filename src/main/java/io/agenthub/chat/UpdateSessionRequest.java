package io.agenthub.chat;

import jakarta.validation.constraints.Size;

public record UpdateSessionRequest(@Size(min = 1, max = 200) String title, Boolean archived) {
}
