package dev.milvuscdc.source.log;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import milvus.proto.msg.Msg;

/**
 * Positions as the reference server and milvus-backup give them: base64 of a serialized
 * {@code msg.MsgPosition}, keyed by virtual channel ({@code <pchannel>_<collectionID>v<shard>}).
 */
public final class MsgPositions {

    private static final Pattern VIRTUAL_CHANNEL = Pattern.compile("^(.*)_(\\d+)v(\\d+)$");

    private MsgPositions() {
    }

    /** @throws IllegalArgumentException naming what is wrong, when the text is not such a position */
    public static Msg.MsgPosition decode(String base64) {
        try {
            Msg.MsgPosition position = Msg.MsgPosition.parseFrom(Base64.getDecoder().decode(base64 == null ? "" : base64));
            if (position.getMsgID().isEmpty()) {
                throw new IllegalArgumentException("the position has no message id");
            }
            return position;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a serialized MsgPosition: " + e.getMessage(), e);
        }
    }

    /** The physical channel (message-queue topic) of a virtual channel. */
    public static String physicalChannel(String virtualChannel) {
        Matcher matcher = VIRTUAL_CHANNEL.matcher(virtualChannel);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a virtual channel: " + virtualChannel);
        }
        return matcher.group(1);
    }
}
