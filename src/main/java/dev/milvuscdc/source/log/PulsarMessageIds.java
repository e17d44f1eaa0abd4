package dev.milvuscdc.source.log;

import java.io.IOException;
import java.util.Base64;
import java.util.Comparator;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.impl.BatchMessageIdImpl;
import org.apache.pulsar.client.impl.MessageIdImpl;

/**
 * Milvus names a Pulsar message by its serialized {@code MessageIdData} (ledger, entry, partition,
 * batch index); positions keep such bytes in base64, as they keep Kafka's offsets. Measured on
 * Milvus 2.3.5 (PulsarLogFactsIT): its producer batches, so its ids carry batch index 0 of a batch
 * of one, and it records partition 0 where the broker says -1 for the same message of a
 * non-partitioned topic; positions are kept in the broker's form (partition -1).
 */
public final class PulsarMessageIds {

    /**
     * The order of messages in one non-partitioned topic. An id without batch index names a whole
     * entry, so it comes after every message of a batch in that entry: the broker's last message id
     * and a position before an entry are such ids (measured: a reader started after one re-reads the
     * entry's batch, so the reader skips what is not after it).
     */
    static final Comparator<MessageIdAdv> ORDER = Comparator.comparingLong(MessageIdAdv::getLedgerId)
            .thenComparingLong(MessageIdAdv::getEntryId)
            .thenComparingInt(id -> id.getBatchIndex() < 0 ? Integer.MAX_VALUE : id.getBatchIndex());

    private PulsarMessageIds() {
    }

    public static String encode(MessageId id) {
        return Base64.getEncoder().encodeToString(id.toByteArray());
    }

    /** @throws IllegalArgumentException when the text is not base64 of a Pulsar message id */
    public static MessageIdAdv decode(String messageId) {
        return parse(Base64.getDecoder().decode(messageId), messageId);
    }

    static MessageIdAdv parse(byte[] bytes, String shown) {
        try {
            if (MessageId.fromByteArray(bytes) instanceof MessageIdAdv id) {
                return id.getPartitionIndex() == -1 ? id : withoutPartition(id);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a Pulsar message id: " + shown + " (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException("not a Pulsar message id of one topic: " + shown);
    }

    private static MessageIdAdv withoutPartition(MessageIdAdv id) {
        return id.getBatchIndex() < 0
                ? new MessageIdImpl(id.getLedgerId(), id.getEntryId(), -1)
                : new BatchMessageIdImpl(id.getLedgerId(), id.getEntryId(), -1, id.getBatchIndex());
    }

    /**
     * An id just before {@code id}: a reader that starts after it reads {@code id} first. Entry -1
     * stands before the first entry of a ledger (the broker moves on to entry 0). Only the first
     * message of an entry has such an id, which is every message Milvus 2.3.5 writes.
     */
    static MessageId before(MessageIdAdv id) {
        if (id.getBatchIndex() > 0) {
            throw new IllegalArgumentException("message " + id + " is not the first of its batch: no position before it");
        }
        return new MessageIdImpl(id.getLedgerId(), id.getEntryId() - 1, -1);
    }
}
