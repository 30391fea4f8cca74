package io.parley.feature.qqgroup;

/** GROUP_TRANSFER body: the member who becomes owner. */
public record TransferRequest(Long groupId, String username) {
}
