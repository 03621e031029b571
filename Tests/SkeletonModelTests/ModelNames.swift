import SkeletonModel

// The nested model types under the short names the tests were written with.
typealias Vertex = Skeleton.Vertex
typealias Edge = Skeleton.Edge
typealias DataType = VertexAttribute.DataType
